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
 * <p>When a part's body fails half-way (its writer throws), {@link #close()} leaves the message unterminated, so a
 * response already under way ends without its closing delimiter and the client sees a truncated body, not an
 * apparently complete one.
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
    /** a part's body failed half-way: the message must stay unterminated, so that the reader sees the failure */
    private boolean failed;
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
        byte[] head = partHead(contentType, extraHeaders);
        out.write(dashBoundary);
        out.write(CRLF);
        out.write(head);
        if (body != null) {
            failed = true; // until the body is written: see close()
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
        failed = false;
        out.write(CRLF);
        parts++;
    }

    /** The headers of a part and the empty line after them. */
    private static byte[] partHead(String contentType, Map<String, String> extraHeaders) {
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
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A one-part message whose body is sent separately, e.g. a frame written straight from the stored file: the
     * message's Content-Type, the bytes before the body (delimiter and part headers) and after it (closing
     * delimiter). Same bytes as {@link #part} followed by {@link #close}, with a fresh boundary.
     */
    public record SinglePart(String contentType, byte[] head, byte[] tail) {
        public long length(long bodyLength) {
            return head.length + bodyLength + tail.length;
        }
    }

    public static SinglePart singlePart(String rootType, String partContentType) {
        String boundary = newBoundary();
        MultipartRelatedWriter writer = new MultipartRelatedWriter(OutputStream.nullOutputStream(), boundary);
        byte[] dash = writer.dashBoundary;
        byte[] headers = partHead(partContentType, null);
        byte[] head = new byte[dash.length + 2 + headers.length];
        System.arraycopy(dash, 0, head, 0, dash.length);
        head[dash.length] = '\r';
        head[dash.length + 1] = '\n';
        System.arraycopy(headers, 0, head, dash.length + 2, headers.length);
        byte[] tail = new byte[2 + dash.length + 4];
        tail[0] = '\r';
        tail[1] = '\n';
        System.arraycopy(dash, 0, tail, 2, dash.length);
        tail[tail.length - 4] = '-';
        tail[tail.length - 3] = '-';
        tail[tail.length - 2] = '\r';
        tail[tail.length - 1] = '\n';
        return new SinglePart(writer.contentType(rootType), head, tail);
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
        if (failed) {
            // a closing delimiter after a cut part would present the cut part as complete (e.g. an empty frame)
            out.flush();
            return;
        }
        out.write(dashBoundary);
        out.write('-');
        out.write('-');
        out.write(CRLF);
        out.flush();
    }
}
