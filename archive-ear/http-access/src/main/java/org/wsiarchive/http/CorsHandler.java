package org.wsiarchive.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

import java.util.Optional;

/**
 * CORS for every response of a WAR, so browser viewers served from another origin can use the archive.
 *
 * <p>It wraps the whole handler chain of the deployment, outside Undertow's security handlers: a preflight
 * ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered here, on any path and
 * without credentials (browsers never send them on a preflight) — 204 with the allowed methods and headers, or 403
 * for an origin that is not allowed. Every other response gets Access-Control-Allow-Origin and the exposed headers
 * when it is committed, whoever produced it: JAX-RS resources, the frames fast path, and the container's own 401 and
 * 403 (a viewer must be able to read those to attach its token). The policy is {@link CorsPolicy}.
 */
final class CorsHandler implements HttpHandler {

    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
    private static final HttpString REQUEST_HEADERS = new HttpString("Access-Control-Request-Headers");

    private final CorsPolicy policy;
    private final HttpHandler next;

    CorsHandler(CorsPolicy policy, HttpHandler next) {
        this.policy = policy;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!policy.enabled()) {
            next.handleRequest(exchange);
            return;
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        Optional<String> allowOrigin = policy.allowOrigin(origin);
        if (isPreflight(exchange)) {
            // answered here and not passed on: the servlet response completes it (empty body)
            HeaderMap headers = exchange.getResponseHeaders();
            if (allowOrigin.isEmpty()) {
                exchange.setStatusCode(StatusCodes.FORBIDDEN);
            } else {
                exchange.setStatusCode(StatusCodes.NO_CONTENT);
                headers.put(ALLOW_METHODS, CorsPolicy.ALLOW_METHODS);
                headers.put(ALLOW_HEADERS, policy.allowHeaders(exchange.getRequestHeaders().getFirst(REQUEST_HEADERS)));
                headers.put(MAX_AGE, policy.maxAgeSeconds());
                allowOrigin(headers, allowOrigin.get());
            }
            if (policy.variesByOrigin()) addVaryOrigin(headers);
            return;
        }
        exchange.addResponseCommitListener(committing -> {
            HeaderMap headers = committing.getResponseHeaders();
            if (policy.variesByOrigin()) addVaryOrigin(headers);
            if (allowOrigin.isPresent()) {
                allowOrigin(headers, allowOrigin.get());
                headers.put(EXPOSE_HEADERS, CorsPolicy.EXPOSE_HEADERS);
            }
        });
        next.handleRequest(exchange);
    }

    private void allowOrigin(HeaderMap headers, String allowOrigin) {
        headers.put(ALLOW_ORIGIN, allowOrigin);
        if (policy.allowsCredentials()) headers.put(ALLOW_CREDENTIALS, "true");
    }

    static boolean isPreflight(HttpServerExchange exchange) {
        return Methods.OPTIONS.equals(exchange.getRequestMethod())
                && exchange.getRequestHeaders().contains(Headers.ORIGIN)
                && exchange.getRequestHeaders().contains(REQUEST_METHOD);
    }

    /** Adds Origin to Vary unless some Vary value already names it (or is *). */
    static void addVaryOrigin(HeaderMap headers) {
        HeaderValues vary = headers.get(Headers.VARY);
        if (vary != null) {
            for (String v : vary) {
                for (String name : v.split(",")) {
                    String n = name.trim();
                    if (n.equalsIgnoreCase("Origin") || n.equals("*")) return;
                }
            }
        }
        headers.add(Headers.VARY, "Origin");
    }
}
