package org.wsiarchive.dicomweb;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import org.wsiarchive.core.audit.Requester;

import java.net.URI;

/** What the adapter derives from an HTTP request: the caller for the audit trail, and the public base URL. */
final class RequestContext {

    private RequestContext() {}

    /** The caller: the user the container authenticated (bearer token, when security is on), and the client host. */
    static Requester requester(HttpServletRequest request) {
        return Requester.http(Requester.DICOMWEB, request.getRemoteUser(), request.getHeader("X-Forwarded-For"),
                request.getRemoteAddr());
    }

    /**
     * The DICOMweb base URL as the client sees it, e.g. https://pacs.example.org/dicom-web: BulkDataURIs and
     * RetrieveURLs must be absolute and reachable by the client, also behind a reverse proxy (RFC 7239 Forwarded,
     * or X-Forwarded-Proto / X-Forwarded-Host / X-Forwarded-Port).
     */
    static String baseUrl(UriInfo uriInfo, HttpHeaders headers) {
        URI base = uriInfo.getBaseUri();
        String scheme = base.getScheme();
        String host = base.getRawAuthority();
        String forwarded = headers.getHeaderString("Forwarded");
        if (forwarded != null) {
            for (String pair : forwarded.split(",")[0].split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length != 2) continue;
                String value = kv[1].trim().replace("\"", "");
                if (kv[0].equalsIgnoreCase("proto")) scheme = value;
                if (kv[0].equalsIgnoreCase("host")) host = value;
            }
        } else {
            String proto = first(headers.getHeaderString("X-Forwarded-Proto"));
            String fhost = first(headers.getHeaderString("X-Forwarded-Host"));
            String port = first(headers.getHeaderString("X-Forwarded-Port"));
            if (proto != null) scheme = proto;
            if (fhost != null) host = fhost;
            if (port != null && host != null && !host.contains(":")) {
                boolean defaultPort = ("https".equals(scheme) && port.equals("443")) || ("http".equals(scheme) && port.equals("80"));
                if (!defaultPort) host = host + ":" + port;
            }
        }
        String path = base.getRawPath();
        if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        return scheme + "://" + host + path;
    }

    private static String first(String header) {
        if (header == null || header.isBlank()) return null;
        return header.split(",")[0].trim();
    }
}
