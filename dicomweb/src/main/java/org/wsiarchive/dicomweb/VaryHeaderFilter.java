package org.wsiarchive.dicomweb;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code Vary} on every DICOMweb response, so that caches keep the representations apart: every resource chooses
 * its representation from Accept, and the server's gzip filter (configure.cli, which cannot add the header itself)
 * compresses the text types when Accept-Encoding allows. The pattern is the one of that filter's predicate.
 */
@Provider
public class VaryHeaderFilter implements ContainerResponseFilter {

    static final Pattern COMPRESSED = Pattern.compile(
            "(?:application/(?:dicom[+])?json|application/(?:dicom[+]|vnd[.]sun[.]wadl[+])?xml|multipart/related;.*dicom[+]xml.*)(;.*)?");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Set<String> vary = new LinkedHashSet<>();
        Object existing = response.getHeaders().getFirst(HttpHeaders.VARY);
        if (existing != null) {
            for (String v : existing.toString().split(",")) if (!v.isBlank()) vary.add(v.trim());
        }
        vary.add("Accept");
        MediaType type = response.getMediaType();
        if (type != null && COMPRESSED.matcher(type.toString().toLowerCase(Locale.ROOT).replace(" ", "")).matches()) {
            vary.add("Accept-Encoding");
        }
        response.getHeaders().putSingle(HttpHeaders.VARY, String.join(", ", vary));
    }
}
