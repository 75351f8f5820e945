package org.wsiarchive.converter.tiff;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Output of one DICOM file: an {@link OutputStream} over a {@link FileChannel} with one large direct buffer. Source
 * byte ranges are read by positional reads straight into that buffer ({@link #copyFrom}), so a copied tile crosses
 * the Java heap not at all and causes no allocation; the buffer is written out when full (4 MiB writes).
 */
public final class ChannelOutput extends OutputStream {
    private final FileChannel channel;
    private final ByteBuffer buf;
    private long written;

    public ChannelOutput(FileChannel channel, int bufferSize) {
        this.channel = channel;
        this.buf = ByteBuffer.allocateDirect(bufferSize);
    }

    /** Bytes written so far (including buffered ones). */
    public long position() {
        return written + buf.position();
    }

    @Override
    public void write(int b) throws IOException {
        if (!buf.hasRemaining()) {
            drain();
        }
        buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buf.hasRemaining()) {
                drain();
            }
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Appends {@code length} bytes of {@code src} starting at {@code position} (positional reads). */
    public void copyFrom(FileChannel src, long position, long length) throws IOException {
        long done = 0;
        while (done < length) {
            if (!buf.hasRemaining()) {
                drain();
            }
            int limit = buf.limit();
            int n = (int) Math.min(buf.remaining(), length - done);
            buf.limit(buf.position() + n);
            int r;
            try {
                r = src.read(buf, position + done);
            } finally {
                buf.limit(limit);
            }
            if (r < 0) {
                throw new java.io.EOFException("unexpected end of file at " + (position + done));
            }
            done += r;
        }
    }

    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            written += channel.write(buf);
        }
        buf.clear();
    }

    @Override
    public void flush() throws IOException {
        drain();
    }

    @Override
    public void close() throws IOException {
        flush();
        channel.close();
    }
}
