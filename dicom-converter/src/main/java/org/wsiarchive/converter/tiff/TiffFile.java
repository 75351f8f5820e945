package org.wsiarchive.converter.tiff;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal TIFF / BigTIFF directory reader: parses the IFD chain (and SubIFDs) and gives positional access to the
 * file's bytes. Thread-safe for reads (positional reads on a {@link FileChannel}).
 */
public final class TiffFile implements Closeable {

    private static final int MAX_DIRECTORIES = 100_000;
    private static final int MAX_ENTRIES = 10_000;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteOrder order;
    private final boolean bigTiff;
    private final List<TiffDirectory> directories = new ArrayList<>();
    private int mainChainCount;

    private TiffFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        if (size < 8) {
            throw new TiffFormatException("not a TIFF file (only " + size + " bytes)");
        }
        byte[] h = readBytes(0, (int) Math.min(16, size));
        if (h[0] == 'I' && h[1] == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (h[0] == 'M' && h[1] == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new TiffFormatException("not a TIFF file (no II/MM byte-order mark)");
        }
        ByteBuffer hb = ByteBuffer.wrap(h).order(order);
        int magic = hb.getShort(2) & 0xFFFF;
        long first;
        if (magic == 42) {
            bigTiff = false;
            first = hb.getInt(4) & 0xFFFFFFFFL;
        } else if (magic == 43) {
            if (h.length < 16 || hb.getShort(4) != 8) {
                throw new TiffFormatException("BigTIFF header with unsupported offset size");
            }
            bigTiff = true;
            first = hb.getLong(8);
        } else {
            throw new TiffFormatException("not a TIFF file (magic number " + magic + ")");
        }
        readChain(first, true);
        if (directories.isEmpty()) {
            throw new TiffFormatException("TIFF file has no image directory");
        }
    }

    public static TiffFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new TiffFile(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void readChain(long offset, boolean followSubIfds) throws IOException {
        Set<Long> seen = new HashSet<>();
        for (TiffDirectory d : directories) {
            seen.add(d.offset());
        }
        while (offset != 0) {
            if (!seen.add(offset)) {
                break; // loop in the chain
            }
            if (directories.size() >= MAX_DIRECTORIES) {
                throw new TiffFormatException("too many TIFF directories");
            }
            if (offset < 8 || offset >= size) {
                throw new TiffFormatException("TIFF directory offset " + offset + " outside the file");
            }
            int countSize = bigTiff ? 8 : 2;
            int entrySize = bigTiff ? 20 : 12;
            ByteBuffer cb = ByteBuffer.wrap(readBytes(offset, countSize)).order(order);
            long n = bigTiff ? cb.getLong(0) : cb.getShort(0) & 0xFFFF;
            if (n <= 0 || n > MAX_ENTRIES) {
                throw new TiffFormatException("TIFF directory at " + offset + " has an implausible entry count " + n);
            }
            int tableLen = (int) n * entrySize + (bigTiff ? 8 : 4);
            ByteBuffer tb = ByteBuffer.wrap(readBytes(offset + countSize, tableLen)).order(order);
            Map<Integer, TiffDirectory.Entry> entries = new HashMap<>();
            for (int i = 0; i < n; i++) {
                int p = i * entrySize;
                int tag = tb.getShort(p) & 0xFFFF;
                int type = tb.getShort(p + 2) & 0xFFFF;
                long count = bigTiff ? tb.getLong(p + 4) : tb.getInt(p + 4) & 0xFFFFFFFFL;
                int ts = typeSize(type);
                if (ts == 0 || count < 0) {
                    continue; // unknown field type: skip, as readers must
                }
                long len = count * ts;
                int inlineCap = bigTiff ? 8 : 4;
                int valuePos = p + (bigTiff ? 12 : 8);
                if (len <= inlineCap) {
                    byte[] v = new byte[(int) len];
                    tb.get(valuePos, v);
                    entries.put(tag, new TiffDirectory.Entry(tag, type, count, -1, v));
                } else {
                    long vo = bigTiff ? tb.getLong(valuePos) : tb.getInt(valuePos) & 0xFFFFFFFFL;
                    if (vo < 0 || vo + len > size) {
                        throw new TiffFormatException("TIFF tag " + tag + " value (offset " + vo + ", " + len
                                + " bytes) lies outside the file");
                    }
                    entries.put(tag, new TiffDirectory.Entry(tag, type, count, vo, null));
                }
            }
            TiffDirectory dir = new TiffDirectory(this, directories.size(), followSubIfds ? mainChainCount++ : -1, offset, entries);
            directories.add(dir);
            long next = bigTiff ? tb.getLong((int) n * entrySize) : tb.getInt((int) n * entrySize) & 0xFFFFFFFFL;
            if (followSubIfds && dir.has(TiffTags.SUB_IFDS)) {
                for (long sub : dir.longs(TiffTags.SUB_IFDS)) {
                    readChain(sub, false);
                }
            }
            offset = next;
        }
    }

    static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }

    public List<TiffDirectory> directories() {
        return List.copyOf(directories);
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    public boolean isBigTiff() {
        return bigTiff;
    }

    /** Reads {@code length} bytes at {@code position} (positional read, does not move any shared cursor). */
    public byte[] readBytes(long position, int length) throws IOException {
        if (position < 0 || position + length > size) {
            throw new TiffFormatException("read of " + length + " bytes at " + position + " beyond the end of the file");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int r = channel.read(buf, position + buf.position());
            if (r < 0) {
                throw new EOFException("unexpected end of file at " + (position + buf.position()));
            }
        }
        return buf.array();
    }

    private static final ThreadLocal<ByteBuffer> COPY_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 16));

    /**
     * Copies a byte range of the file to {@code out}: straight into the buffer of a {@link ChannelOutput}, otherwise
     * through a reused 64 KiB buffer (bounded memory, no allocation per call).
     */
    public void copyRange(long position, long length, OutputStream out) throws IOException {
        if (position < 0 || position + length > size) {
            throw new TiffFormatException("range of " + length + " bytes at " + position + " beyond the end of the file");
        }
        if (out instanceof ChannelOutput co) {
            co.copyFrom(channel, position, length);
            return;
        }
        ByteBuffer buf = COPY_BUFFER.get();
        long done = 0;
        while (done < length) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), length - done));
            int r = channel.read(buf, position + done);
            if (r < 0) {
                throw new EOFException("unexpected end of file at " + (position + done));
            }
            out.write(buf.array(), 0, r);
            done += r;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
