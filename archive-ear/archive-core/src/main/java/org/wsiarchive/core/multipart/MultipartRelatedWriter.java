package org.wsiarchive.core.multipart;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Streaming writer of a {@code multipart/related} body (WADO-RS responses). Each part is
 * {@code --boundary CRLF headers CRLF CRLF body CRLF}; {@link #close()} writes {@code --boundary-- CRLF}. Bodies are
 * written straight to the underlying stream.
 *
 * <p>The writer cannot check that a body does not contain {@code CRLF--boundary}; use {@link #newBoundary()}
 * (128 random bits) so that a collision is practically impossible.
 */
public final class MultipartRelatedWriter implements Closeable {

    /** Writes one part body. The stream must not be kept; closing it does not close the response stream. */
    @FunctionalInterface
    public interface WriteBody {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One generator per thread: a shared SecureRandom serialises every response on its lock (measured in the frames
     * benchmark at 64 connections), and boundaries still need 128 unpredictable bits.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(MultipartRelatedWriter::newGenerator);

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final byte[] dashBoundary;
    private final String boundary;
    private boolean closed;
    private int parts;

    public MultipartRelatedWriter(OutputStream out, String boundary) {
        if (out == null || boundary == null) {
            throw new IllegalArgumentException("out and boundary are required");
        }
        try {
            MultipartRelatedReader.checkBoundary(boundary);
        } catch (MultipartException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (boundary.isEmpty()) {
            throw new IllegalArgumentException("empty boundary");
        }
        this.out = out;
        this.boundary = boundary;
        this.dashBoundary = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    }

    /** A fresh random boundary (token characters only, so it never needs quoting). */
    public static String newBoundary() {
        byte[] b = new byte[16];
        RANDOM.get().nextBytes(b);
        return "wsiarchive-" + HexFormat.of().formatHex(b);
    }

    /** The response Content-Type for this writer, e.g. {@code multipart/related; type="application/dicom"; boundary=...}. */
    public String contentType(String rootType) {
        return "multipart/related; type=\"" + rootType.replace("\\", "\\\\").replace("\"", "\\\"") + "\"; boundary=" + quoteIfNeeded(boundary);
    }

    private static String quoteIfNeeded(String v) {
        return v.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public String boundary() {
        return boundary;
    }

    /**
     * Writes one part.
     *
     * @param contentType  the part's Content-Type (required)
     * @param extraHeaders further headers, e.g. Content-Location (may be null); a Content-Type entry here is rejected
     */
    public void part(String contentType, Map<String, String> extraHeaders, WriteBody body) throws IOException {
        if (closed) {
            throw new IllegalStateException("multipart writer already closed");
        }
        if (contentType == null || contentType.isBlank()) {
            throw new IllegalArgumentException("part Content-Type is required");
        }
        StringBuilder h = new StringBuilder();
        h.append("Content-Type: ").append(checkValue("Content-Type", contentType)).append("\r\n");
        if (extraHeaders != null) {
            for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
                String name = e.getKey();
                if (name == null || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    throw new IllegalArgumentException("invalid header name: " + name);
                }
                if (name.toLowerCase(Locale.ROOT).equals("content-type")) {
                    throw new IllegalArgumentException("Content-Type is given as the contentType argument");
                }
                h.append(name).append(": ").append(checkValue(name, e.getValue())).append("\r\n");
            }
        }
        h.append("\r\n");
        out.write(dashBoundary);
        out.write(CRLF);
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            body.writeTo(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush(); // never close the response stream
                }
            });
        }
        out.write(CRLF);
        parts++;
    }

    private static String checkValue(String name, String value) {
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid value for header " + name + ": must be non-null without CR/LF");
        }
        return value;
    }

    /** Number of parts written so far. */
    public int partCount() {
        return parts;
    }

    /** Writes the closing delimiter and flushes; does not close the underlying stream. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.write(dashBoundary);
        out.write('-');
        out.write('-');
        out.write(CRLF);
        out.flush();
    }
}
