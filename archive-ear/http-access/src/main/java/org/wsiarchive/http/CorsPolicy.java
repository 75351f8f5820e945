package org.wsiarchive.http;

import java.util.*;
import java.util.regex.Pattern;

/**
 * Which browser origins may call the archive (CORS, Fetch standard) and what a preflight answers. Web viewers
 * (Slim, OHIF, dicom-microscopy-viewer) are usually served from another origin than the archive: without these
 * headers the browser hides every response from them, errors included.
 *
 * <p>Configured by system properties, read once:
 * <ul>
 * <li>{@code archive.cors.allowed-origins}: {@code *} (default) or a comma-separated list of origins
 * ({@code https://viewer.example.org,http://localhost:3000}); empty switches CORS off.</li>
 * <li>{@code archive.cors.allow-credentials}: {@code true} lets browsers send cookies / HTTP authentication
 * along; the allowed origin is then echoed (a wildcard is not allowed with credentials).</li>
 * <li>{@code archive.cors.max-age}: seconds a browser may cache a preflight answer (default 7200, Chromium's cap).</li>
 * </ul>
 */
public final class CorsPolicy {

    public static final String ALLOWED_ORIGINS = "archive.cors.allowed-origins";
    public static final String ALLOW_CREDENTIALS = "archive.cors.allow-credentials";
    public static final String MAX_AGE = "archive.cors.max-age";

    public static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    /** Authorization for bearer tokens; a wildcard in Allow-Headers would not cover Authorization. */
    public static final List<String> ALWAYS_ALLOWED_HEADERS = List.of("Authorization", "Accept", "Content-Type");
    /**
     * Content-Location names stored/returned resources; ETag lets viewers revalidate; Warning carries reasons;
     * WWW-Authenticate tells a viewer why its token was refused (expired: fetch a new one).
     */
    public static final String EXPOSE_HEADERS = "Content-Type, Content-Location, Content-Length, ETag, Warning, WWW-Authenticate";

    /** RFC 9110 token: what a header name may consist of (requested header names are echoed, so they are checked). */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final boolean anyOrigin;
    private final Set<String> origins;
    private final boolean credentials;
    private final long maxAgeSeconds;

    public CorsPolicy(String allowedOrigins, boolean credentials, long maxAgeSeconds) {
        Set<String> list = new LinkedHashSet<>();
        boolean any = false;
        for (String o : (allowedOrigins == null ? "" : allowedOrigins).split(",")) {
            String origin = o.trim();
            if (origin.equals("*")) any = true;
            else if (!origin.isEmpty()) list.add(normalise(origin));
        }
        this.anyOrigin = any;
        this.origins = Set.copyOf(list);
        this.credentials = credentials;
        this.maxAgeSeconds = Math.max(0, maxAgeSeconds);
    }

    public static CorsPolicy fromSystemProperties() {
        long maxAge;
        try {
            maxAge = Long.parseLong(System.getProperty(MAX_AGE, "7200").trim());
        } catch (NumberFormatException e) {
            maxAge = 7200;
        }
        return new CorsPolicy(System.getProperty(ALLOWED_ORIGINS, "*"),
                Boolean.parseBoolean(System.getProperty(ALLOW_CREDENTIALS, "false").trim()), maxAge);
    }

    public boolean enabled() {
        return anyOrigin || !origins.isEmpty();
    }

    /** Whether responses differ by Origin (then caches must key on it: Vary: Origin). */
    public boolean variesByOrigin() {
        return enabled() && (credentials || !anyOrigin);
    }

    public boolean allowsCredentials() {
        return credentials;
    }

    /**
     * The Access-Control-Allow-Origin value for a request from {@code origin}, or empty when that origin is not
     * allowed (the browser then refuses the response to the page; the response itself is unchanged).
     */
    public Optional<String> allowOrigin(String origin) {
        if (origin == null || origin.isBlank()) return Optional.empty();
        if (anyOrigin && !credentials) return Optional.of("*");
        if (anyOrigin || origins.contains(normalise(origin))) return Optional.of(origin.trim());
        return Optional.empty();
    }

    /** Access-Control-Allow-Headers of a preflight: ours plus every well-formed header name the browser asked for. */
    public String allowHeaders(String requestedHeaders) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String h : ALWAYS_ALLOWED_HEADERS) names.put(h.toLowerCase(Locale.ROOT), h);
        if (requestedHeaders != null) {
            for (String h : requestedHeaders.split(",")) {
                String name = h.trim();
                if (TOKEN.matcher(name).matches()) names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            }
        }
        return String.join(", ", names.values());
    }

    public long maxAgeSeconds() {
        return maxAgeSeconds;
    }

    /** Origins compare as scheme://host[:port], case-insensitively, without a trailing slash. */
    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
