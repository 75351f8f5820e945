package org.wsiarchive.core.multipart;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A multipart/related body generated on the fly: one part header, {@code payloadBytes} pseudo-random bytes (with CRLF
 * and boundary-like sequences sprinkled in), the closing delimiter. Nothing is held in memory; the CRC-32 of the
 * payload is computed as it is emitted. {@code truncateAt} (or -1) cuts the whole body after that many bytes.
 */
final class GeneratedMultipartBody extends InputStream {
    private final byte[] head;
    private final byte[] tail;
    private final long payloadBytes;
    private final long total;
    private final long truncateAt;
    private final byte[] nearMiss;
    private long pos;
    private long state = 0x9E3779B97F4A7C15L;
    final CRC32 payloadCrc = new CRC32();

    GeneratedMultipartBody(String boundary, long payloadBytes, long truncateAt) {
        this.head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\nContent-Location: /big/1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        this.tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        // boundary minus its last character, preceded by CRLF: must not be taken for a delimiter
        this.nearMiss = ("\r\n--" + boundary.substring(0, boundary.length() - 1) + "X").getBytes(StandardCharsets.US_ASCII);
        this.payloadBytes = payloadBytes;
        this.total = head.length + payloadBytes + tail.length;
        this.truncateAt = truncateAt;
    }

    long totalLength() {
        return total;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        long end = truncateAt >= 0 ? Math.min(total, truncateAt) : total;
        if (pos >= end) {
            return -1;
        }
        int n = (int) Math.min(len, end - pos);
        for (int i = 0; i < n; i++) {
            long p = pos + i;
            byte v;
            if (p < head.length) {
                v = head[(int) p];
            } else if (p < head.length + payloadBytes) {
                long q = p - head.length;
                long block = q % 1_000_003L;
                if (block < nearMiss.length) {
                    v = nearMiss[(int) block];
                } else {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    v = (byte) state;
                }
            } else {
                v = tail[(int) (p - head.length - payloadBytes)];
            }
            b[off + i] = v;
        }
        long ps = Math.max(pos, head.length), pe = Math.min(pos + n, head.length + payloadBytes);
        if (pe > ps) {
            payloadCrc.update(b, off + (int) (ps - pos), (int) (pe - ps));
        }
        pos += n;
        return n;
    }
}
