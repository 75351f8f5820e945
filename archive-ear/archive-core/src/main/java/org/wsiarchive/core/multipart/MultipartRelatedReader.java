package org.wsiarchive.core.multipart;

import org.wsiarchive.core.io.CountingOutputStream;

import org.apache.commons.fileupload.MultipartStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streaming reader of a {@code multipart/related} body (RFC 2387 / RFC 2046), e.g. a STOW-RS request of any size.
 * Part bodies are copied straight to the caller's stream through a fixed 64 KiB buffer; nothing is held in memory.
 * Boundary scanning is done by commons-fileupload's servlet-independent {@link MultipartStream}.
 *
 * <p>Strictness (every violation is a {@link MultipartException} with a clear message):
 * <ul>
 *   <li>the Content-Type must be {@code multipart/related} with a boundary parameter of 1..70 characters;</li>
 *   <li>a preamble before the first delimiter is accepted only if it is at most 64 KiB and does not contain the
 *       dash-boundary anywhere (a "{@code --boundary}" not at the start of a line means the body is malformed, and
 *       treating it as preamble would silently drop a part);</li>
 *   <li>a part whose body ends before the next delimiter is <b>truncated</b>: {@link Part#transferTo} throws (the
 *       bytes already written to {@code out} must be discarded by the caller);</li>
 *   <li>a body that ends after a delimiter without the closing "{@code --}" makes {@link #next()} throw.</li>
 * </ul>
 * A part is therefore known to be complete once its {@code transferTo} returned; the request is complete when
 * {@link #next()} has returned null.
 */
public final class MultipartRelatedReader implements AutoCloseable {

    static final int BUFFER_SIZE = 64 * 1024;
    static final int MAX_PREAMBLE = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final InputStream body;
    private final LimitedInputStream limited;
    private final String boundary;
    private final String rootType;
    private final Map<String, String> parameters;
    private final MultipartStream stream;

    private boolean started;
    private boolean finished;
    private boolean failed;
    private PartImpl current;
    private int partNumber;

    /**
     * @param contentTypeHeader the request Content-Type, e.g. multipart/related; type="application/dicom"; boundary=xyz
     *                          (boundary may be quoted). Throws MultipartException (clear message) when not
     *                          multipart/related or boundary missing.
     */
    public MultipartRelatedReader(InputStream body, String contentTypeHeader) throws MultipartException {
        if (body == null) {
            throw new IllegalArgumentException("body is null");
        }
        MediaTypeParameters ct = MediaTypeParameters.parse(contentTypeHeader);
        if (!ct.mediaType.equals("multipart/related")) {
            throw new MultipartException("Content-Type is " + ct.mediaType + ", expected multipart/related");
        }
        String b = ct.parameters.get("boundary");
        if (b == null || b.isEmpty()) {
            throw new MultipartException("multipart/related Content-Type has no boundary parameter: " + contentTypeHeader);
        }
        checkBoundary(b);
        this.body = body;
        this.boundary = b;
        this.parameters = ct.parameters;
        String type = ct.parameters.get("type");
        this.rootType = type == null || type.isEmpty() ? null : type;
        // A CRLF is prepended so that a delimiter at the very start ("--boundary") and one after a preamble
        // ("...CRLF--boundary") are both found as an ordinary "CRLF--boundary" delimiter.
        this.limited = new LimitedInputStream(new SequenceInputStream(new ByteArrayInputStream(CRLF), body));
        // while looking for the first boundary, never read more than the preamble limit plus read-ahead
        this.limited.limit = MAX_PREAMBLE + 2L * BUFFER_SIZE + 2;
        this.stream = new MultipartStream(limited, b.getBytes(StandardCharsets.ISO_8859_1), BUFFER_SIZE, null);
        this.stream.setHeaderEncoding(StandardCharsets.UTF_8.name());
    }

    static void checkBoundary(String b) throws MultipartException {
        if (b.length() > 70) {
            throw new MultipartException("boundary longer than 70 characters (RFC 2046): " + b.length());
        }
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new MultipartException("boundary contains a character outside printable US-ASCII at index " + i);
            }
        }
        if (b.endsWith(" ")) {
            throw new MultipartException("boundary must not end with a space (RFC 2046)");
        }
    }

    /** The type parameter of the request Content-Type (the root part's media type), may be null. */
    public String rootType() {
        return rootType;
    }

    public String boundary() {
        return boundary;
    }

    /** All Content-Type parameters of the request (names lower-cased, values unquoted), e.g. start, type. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /**
     * Next part or null after the closing delimiter. The previous part's body is skipped if it was not consumed.
     */
    public Part next() throws IOException, MultipartException {
        if (failed) {
            throw new MultipartException("multipart body already failed; no further parts can be read");
        }
        if (finished) {
            return null;
        }
        try {
            boolean more;
            if (!started) {
                started = true;
                skipPreamble();
                more = readBoundary("the first boundary");
            } else {
                if (current != null && !current.consumed) {
                    current.consumed = true;
                    try {
                        stream.discardBodyData();
                    } catch (MultipartStream.MalformedStreamException e) {
                        throw truncated(current, e);
                    }
                }
                more = readBoundary("the boundary after part " + partNumber);
            }
            if (!more) {
                finished = true;
                current = null;
                return null;
            }
            String rawHeaders;
            try {
                rawHeaders = stream.readHeaders();
            } catch (MultipartStream.MalformedStreamException e) {
                throw new MultipartException("headers of part " + (partNumber + 1) + " are malformed or truncated: " + e.getMessage(), e);
            } catch (org.apache.commons.fileupload.FileUploadBase.FileUploadIOException e) {
                throw new MultipartException("headers of part " + (partNumber + 1) + " could not be read: " + e.getMessage(), e);
            }
            partNumber++;
            current = new PartImpl(partNumber, parseHeaders(rawHeaders, partNumber));
            return current;
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    private void skipPreamble() throws IOException {
        CapturingOutputStream pre = new CapturingOutputStream(MAX_PREAMBLE + 2);
        try {
            stream.readBodyData(pre);
        } catch (MultipartStream.MalformedStreamException e) {
            throw new MultipartException("body does not contain the boundary '--" + boundary + "' (empty or not multipart)", e);
        } catch (PreambleTooLong e) {
            throw new MultipartException("no boundary '--" + boundary + "' within the first " + MAX_PREAMBLE + " bytes of the body");
        }
        if (pre.overflow) {
            throw new MultipartException("no boundary '--" + boundary + "' within the first " + MAX_PREAMBLE + " bytes of the body");
        }
        limited.limit = Long.MAX_VALUE;
        int at = indexOf(pre.bytes(), ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        if (at >= 0) {
            throw new MultipartException("garbage before the first boundary: '--" + boundary + "' found at byte " + (at - 2)
                    + " but not at the start of a line");
        }
    }

    private boolean readBoundary(String what) throws MultipartException {
        try {
            return stream.readBoundary();
        } catch (MultipartStream.MalformedStreamException e) {
            throw new MultipartException("malformed or truncated body after " + what
                    + ": expected CRLF (next part) or '--' (closing delimiter), " + e.getMessage(), e);
        } catch (org.apache.commons.fileupload.FileUploadBase.FileUploadIOException e) {
            throw new MultipartException("could not read " + what + ": " + e.getMessage(), e);
        }
    }

    private MultipartException truncated(PartImpl p, IOException e) {
        return new MultipartException("part " + p.number + " is truncated: the body ended before the closing boundary '--"
                + boundary + "' (" + e.getMessage() + ")", e);
    }

    static Map<String, String> parseHeaders(String raw, int partNumber) throws MultipartException {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String[] lines = raw.split("\r\n", -1);
        String name = null;
        StringBuilder value = null;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (name == null) {
                    throw new MultipartException("part " + partNumber + ": continuation line without a header: '" + line + "'");
                }
                value.append(' ').append(line.strip());
                continue;
            }
            if (name != null) {
                headers.merge(name, value.toString(), (a, b) -> a + ", " + b);
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MultipartException("part " + partNumber + ": malformed header line '" + line + "'");
            }
            name = line.substring(0, colon).strip();
            value = new StringBuilder(line.substring(colon + 1).strip());
        }
        if (name != null) {
            headers.merge(name, value.toString(), (a, b) -> a + ", " + b);
        }
        return Collections.unmodifiableMap(headers);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Closes the body stream. */
    @Override
    public void close() throws IOException {
        finished = true;
        body.close();
    }

    /** One body part. */
    public interface Part {
        /** The part's Content-Type header, null when absent. */
        String contentType();

        /** All part headers, names case-insensitive, repeated headers joined with ", ". */
        Map<String, String> headers();

        /**
         * Streams the body to out (not closed), returns bytes. Throws {@link MultipartException} when the body is
         * truncated (no closing boundary); then the bytes written so far are incomplete and must be discarded.
         */
        long transferTo(OutputStream out) throws IOException;
    }

    private final class PartImpl implements Part {
        final int number;
        final Map<String, String> headers;
        boolean consumed;

        PartImpl(int number, Map<String, String> headers) {
            this.number = number;
            this.headers = headers;
        }

        @Override
        public String contentType() {
            return headers.get("Content-Type");
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            if (consumed) {
                throw new IllegalStateException("part " + number + " body was already consumed");
            }
            if (current != this || failed) {
                throw new IllegalStateException("part " + number + " is no longer the current part");
            }
            consumed = true;
            CountingOutputStream counting = new CountingOutputStream(out);
            try {
                stream.readBodyData(counting);
            } catch (MultipartStream.MalformedStreamException e) {
                failed = true;
                throw truncated(this, e);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
            return counting.count();
        }

        @Override
        public String toString() {
            return "Part[" + number + ", " + headers + "]";
        }
    }


    private static final class PreambleTooLong extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Keeps up to {@code limit} bytes and remembers whether there were more. */
    private static final class CapturingOutputStream extends OutputStream {
        private final byte[] buf;
        private int len;
        boolean overflow;

        CapturingOutputStream(int limit) {
            buf = new byte[limit];
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) {
            int keep = Math.min(n, buf.length - len);
            System.arraycopy(b, off, buf, len, keep);
            len += keep;
            overflow |= keep < n;
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(buf, len);
        }
    }

    /** Fails every read once more than {@code limit} bytes were read, so a huge non-multipart body is not read to its end. */
    private static final class LimitedInputStream extends java.io.FilterInputStream {
        long limit;
        long count;

        LimitedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            check();
            int r = in.read();
            if (r >= 0) {
                count++;
            }
            return r;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            int r = in.read(b, off, (int) Math.min(len, Math.max(1, limit - count)));
            if (r > 0) {
                count += r;
            }
            return r;
        }

        private void check() throws PreambleTooLong {
            if (count >= limit) {
                throw new PreambleTooLong();
            }
        }
    }
}
