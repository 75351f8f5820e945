package org.wsiarchive.dicomweb;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.*;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.util.List;
import java.util.Optional;

/**
 * CORS for every DICOMweb response, so browser viewers served from another origin can use the archive.
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered here,
 * before resource matching, on any path: 204 with the allowed methods and headers, or 403 for an origin that is
 * not allowed. Every other response — errors (404, 406, 415...) included, since viewers read their status and
 * Warning — gets Access-Control-Allow-Origin and the exposed headers. The policy is {@link CorsPolicy}.
 */
@Provider
@PreMatching
public class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String ORIGIN = "Origin";
    static final String REQUEST_METHOD = "Access-Control-Request-Method";
    static final String REQUEST_HEADERS = "Access-Control-Request-Headers";

    private final CorsPolicy policy;

    public CorsFilter() {
        this(CorsPolicy.fromSystemProperties());
    }

    CorsFilter(CorsPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!policy.enabled() || !isPreflight(request)) {
            return;
        }
        Optional<String> allowOrigin = policy.allowOrigin(request.getHeaderString(ORIGIN));
        if (allowOrigin.isEmpty()) {
            request.abortWith(DicomWebResponses.error(Response.Status.FORBIDDEN,
                    "Origin " + request.getHeaderString(ORIGIN) + " is not allowed (" + CorsPolicy.ALLOWED_ORIGINS + ")"));
            return;
        }
        Response.ResponseBuilder preflight = Response.noContent()
                .header("Access-Control-Allow-Methods", CorsPolicy.ALLOW_METHODS)
                .header("Access-Control-Allow-Headers", policy.allowHeaders(request.getHeaderString(REQUEST_HEADERS)))
                .header("Access-Control-Max-Age", policy.maxAgeSeconds());
        // the origin headers themselves are added by the response filter, which also runs for aborted requests;
        // they are set here as well in case a container skips response filters after abortWith
        allowOrigin(preflight, allowOrigin.get());
        request.abortWith(preflight.build());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!policy.enabled()) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        if (policy.variesByOrigin()) {
            addVaryOrigin(headers);
        }
        policy.responseHeaders(request.getHeaderString(ORIGIN), isPreflight(request), headers::putSingle);
    }

    private void allowOrigin(Response.ResponseBuilder response, String allowOrigin) {
        response.header("Access-Control-Allow-Origin", allowOrigin);
        if (policy.allowsCredentials()) response.header("Access-Control-Allow-Credentials", "true");
        if (policy.variesByOrigin()) response.header("Vary", "Origin");
    }

    private static boolean isPreflight(ContainerRequestContext request) {
        return HttpMethod.OPTIONS.equals(request.getMethod())
                && request.getHeaderString(ORIGIN) != null
                && request.getHeaderString(REQUEST_METHOD) != null;
    }

    /** Adds Origin to Vary unless some Vary value already names it (or is *). */
    private static void addVaryOrigin(MultivaluedMap<String, Object> headers) {
        List<Object> vary = headers.get("Vary");
        if (vary != null) {
            for (Object v : vary) {
                for (String name : String.valueOf(v).split(",")) {
                    String n = name.trim();
                    if (n.equalsIgnoreCase(ORIGIN) || n.equals("*")) return;
                }
            }
        }
        headers.add("Vary", ORIGIN);
    }
}
