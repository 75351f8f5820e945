package org.wsiarchive.core.retrieve;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stored instance files mapped read-only into memory, a bounded number of them, so that a frame is one copy from
 * the page cache into the response: no open, no read system call, no per-request buffer of the JDK's
 * {@code transferTo} fallback (which copies through 8 KB temporary buffers when the target is a servlet stream).
 * Stored files are immutable (a replaced instance gets a new file), so a mapping never goes stale. Mappings belong
 * to an automatic arena: one evicted from the cache is unmapped when no request uses it any more (by the GC),
 * never under a reader's feet. Files that cannot be mapped are read with one positional read per fragment.
 */
final class MappedFiles {

    private static final Logger LOG = Logger.getLogger(MappedFiles.class.getName());
    /** frames larger than this are written in pieces of this size */
    private static final int CHUNK = 1 << 20;

    private final int maxFiles;
    private final ConcurrentHashMap<Path, MemorySegment> mapped = new ConcurrentHashMap<>();
    private volatile boolean mappingWorks = true;

    MappedFiles(int maxFiles) {
        this.maxFiles = maxFiles;
    }

    /** One frame: the byte ranges {@code offsets[i], lengths[i]} of {@code file}, written in one piece when small. */
    long copy(Path file, long[] offsets, long[] lengths, OutputStream out) throws IOException {
        long total = 0;
        for (long l : lengths) total += l;
        MemorySegment segment = mappingWorks ? segment(file) : null;
        if (total <= CHUNK) {
            byte[] frame = new byte[(int) total];
            int at = 0;
            for (int s = 0; s < offsets.length; s++) {
                at += read(file, segment, offsets[s], frame, at, (int) lengths[s]);
            }
            out.write(frame);
            return total;
        }
        byte[] buffer = new byte[CHUNK];
        for (int s = 0; s < offsets.length; s++) {
            long position = offsets[s];
            long remaining = lengths[s];
            while (remaining > 0) {
                int n = (int) Math.min(remaining, CHUNK);
                read(file, segment, position, buffer, 0, n);
                out.write(buffer, 0, n);
                position += n;
                remaining -= n;
            }
        }
        return total;
    }

    /** One frame as a byte array (for a caller that wants to know its length before writing, e.g. Content-Length). */
    byte[] bytes(Path file, long[] offsets, long[] lengths) throws IOException {
        long total = 0;
        for (long l : lengths) total += l;
        if (total > Integer.MAX_VALUE - 16) throw new IOException("frame of " + total + " bytes is too large for one array");
        MemorySegment segment = mappingWorks ? segment(file) : null;
        byte[] frame = new byte[(int) total];
        int at = 0;
        for (int s = 0; s < offsets.length; s++) {
            at += read(file, segment, offsets[s], frame, at, (int) lengths[s]);
        }
        return frame;
    }

    /**
     * One frame as read-only buffers over the mapping, for a write straight from the page cache to the socket (no
     * copy into the heap), or null when the file cannot be mapped. The buffers keep the mapping alive while in use.
     */
    ByteBuffer[] buffers(Path file, long[] offsets, long[] lengths) throws IOException {
        MemorySegment segment = mappingWorks ? segment(file) : null;
        if (segment == null) return null;
        ByteBuffer[] out = new ByteBuffer[offsets.length];
        for (int s = 0; s < offsets.length; s++) {
            if (offsets[s] < 0 || offsets[s] + lengths[s] > segment.byteSize()) {
                throw new IOException("stored file " + file + " is shorter than its frame index");
            }
            out[s] = segment.asSlice(offsets[s], lengths[s]).asByteBuffer();
        }
        return out;
    }

    /**
     * As {@link #buffers}, but only when serving them cannot block: the file is mapped already (no open or mmap) and
     * every page of the ranges is in memory (mincore), so writing them will not wait for the disk. Null otherwise.
     */
    ByteBuffer[] residentBuffers(Path file, long[] offsets, long[] lengths) {
        MemorySegment segment = mapped.get(file);
        if (segment == null) return null;
        ByteBuffer[] out = new ByteBuffer[offsets.length];
        for (int s = 0; s < offsets.length; s++) {
            if (offsets[s] < 0 || offsets[s] + lengths[s] > segment.byteSize()) return null;
            MemorySegment range = segment.asSlice(offsets[s], lengths[s]);
            if (!range.isLoaded()) return null;
            out[s] = range.asByteBuffer();
        }
        return out;
    }

    private int read(Path file, MemorySegment segment, long position, byte[] into, int at, int length) throws IOException {
        if (segment != null) {
            if (position < 0 || position + length > segment.byteSize()) {
                throw new IOException("stored file " + file + " is shorter than its frame index");
            }
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, position, into, at, length);
            return length;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(into, at, length);
            long p = position;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, p);
                if (n < 0) throw new IOException("stored file " + file + " is shorter than its frame index");
                p += n;
            }
            return length;
        }
    }

    private MemorySegment segment(Path file) throws IOException {
        MemorySegment segment = mapped.get(file);
        if (segment != null) {
            return segment;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), Arena.ofAuto());
        } catch (UnsupportedOperationException | IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) throw (IOException) e;
            LOG.log(Level.WARNING, "cannot map stored files, reading them instead: " + file, e);
            mappingWorks = false;
            return null;
        }
        MemorySegment raced = mapped.putIfAbsent(file, segment);
        if (raced != null) {
            return raced;
        }
        if (mapped.size() > maxFiles) {
            evictSome(file);
        }
        return segment;
    }

    /** Drops about a quarter of the mappings (any but {@code keep}); their memory goes when the GC finds them unused. */
    private void evictSome(Path keep) {
        int drop = Math.max(1, maxFiles / 4);
        Iterator<Path> it = mapped.keySet().iterator();
        while (drop > 0 && it.hasNext()) {
            if (!it.next().equals(keep)) {
                it.remove();
                drop--;
            }
        }
    }

    /** Forgets the mapping of a file (e.g. one that was replaced). */
    void forget(Path file) {
        mapped.remove(file);
    }

    int size() {
        return mapped.size();
    }
}
