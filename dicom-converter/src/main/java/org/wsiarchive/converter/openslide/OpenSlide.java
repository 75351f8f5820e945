package org.wsiarchive.converter.openslide;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.Closeable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsiarchive.converter.source.SourceException;

/**
 * One open OpenSlide handle ({@code openslide_t}). Every call checks the handle's error state: once OpenSlide has
 * failed, the handle stays failed and the message is reported. Calls are serialised on the handle (OpenSlide itself
 * is thread-safe, but the reusable pixel buffer is not).
 */
public final class OpenSlide implements Closeable {

    private final OpenSlideLibrary lib;
    private final MemorySegment handle;
    private final Arena arena = Arena.ofShared();
    private MemorySegment pixels = MemorySegment.NULL;
    private boolean closed;

    private OpenSlide(OpenSlideLibrary lib, MemorySegment handle) {
        this.lib = lib;
        this.handle = handle;
    }

    /** OpenSlide's version string (e.g. "3.4.1"). */
    public static String version() throws SourceException {
        return invoke(a -> OpenSlideLibrary.string((MemorySegment) OpenSlideLibrary.get().version.invokeExact()));
    }

    /** True when the library can be loaded. */
    public static boolean available() {
        return OpenSlideLibrary.available();
    }

    /** The vendor OpenSlide detects for a file ("aperio", "mirax", "generic-tiff", ...), or null if it cannot read it. */
    public static String detectVendor(Path file) throws SourceException {
        OpenSlideLibrary lib = OpenSlideLibrary.get();
        return invoke(a -> OpenSlideLibrary.string((MemorySegment) lib.detectVendor.invokeExact(a.allocateFrom(file.toString()))));
    }

    /** Opens a slide; a file OpenSlide does not recognise or cannot read is a {@link SourceException}. */
    public static OpenSlide open(Path file) throws SourceException {
        OpenSlideLibrary lib = OpenSlideLibrary.get();
        MemorySegment h = invoke(a -> (MemorySegment) lib.open.invokeExact(a.allocateFrom(file.toString())));
        if (h.equals(MemorySegment.NULL)) {
            throw new SourceException("OpenSlide does not recognise " + file.getFileName());
        }
        OpenSlide s = new OpenSlide(lib, h);
        try {
            s.checkError();
        } catch (SourceException e) {
            s.close();
            throw new SourceException("OpenSlide cannot open " + file.getFileName() + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** A call into the library with a confined arena for its arguments (invokeExact declares Throwable). */
    @FunctionalInterface
    private interface NativeCall<T> {
        T call(Arena arena) throws Throwable;
    }

    private static <T> T invoke(NativeCall<T> call) throws SourceException {
        try (Arena a = Arena.ofConfined()) {
            return call.call(a);
        } catch (SourceException e) {
            throw e;
        } catch (Throwable t) {
            throw new SourceException("OpenSlide: " + t.getMessage(), t);
        }
    }

    /** A call on this handle: refused once it is closed, followed by the check of the handle's error state. */
    private <T> T onHandle(NativeCall<T> call) throws SourceException {
        requireOpen();
        T result = invoke(call);
        checkError();
        return result;
    }

    private void checkError() throws SourceException {
        String err = invoke(a -> OpenSlideLibrary.string((MemorySegment) lib.getError.invokeExact(handle)));
        if (err != null) {
            throw new SourceException(err);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("OpenSlide handle is closed");
        }
    }

    public synchronized int levelCount() throws SourceException {
        return onHandle(a -> (int) lib.levelCount.invokeExact(handle));
    }

    /** {width, height} of a level. */
    public synchronized long[] levelDimensions(int level) throws SourceException {
        return onHandle(a -> {
            MemorySegment w = a.allocate(JAVA_LONG);
            MemorySegment h = a.allocate(JAVA_LONG);
            lib.levelDimensions.invokeExact(handle, level, w, h);
            return new long[] {w.get(JAVA_LONG, 0), h.get(JAVA_LONG, 0)};
        });
    }

    public synchronized double levelDownsample(int level) throws SourceException {
        return onHandle(a -> (double) lib.levelDownsample.invokeExact(handle, level));
    }

    /** All properties (OpenSlide's standard "openslide.*" ones and the vendor's), in OpenSlide's order. */
    public synchronized Map<String, String> properties() throws SourceException {
        return onHandle(a -> {
            Map<String, String> props = new LinkedHashMap<>();
            for (String name : OpenSlideLibrary.strings((MemorySegment) lib.propertyNames.invokeExact(handle))) {
                props.put(name, OpenSlideLibrary.string(
                        (MemorySegment) lib.propertyValue.invokeExact(handle, a.allocateFrom(name))));
            }
            return props;
        });
    }

    public synchronized List<String> associatedImageNames() throws SourceException {
        return onHandle(a -> OpenSlideLibrary.strings((MemorySegment) lib.associatedNames.invokeExact(handle)));
    }

    /** {width, height} of an associated image. */
    public synchronized long[] associatedImageDimensions(String name) throws SourceException {
        return onHandle(a -> {
            MemorySegment w = a.allocate(JAVA_LONG);
            MemorySegment h = a.allocate(JAVA_LONG);
            lib.associatedDimensions.invokeExact(handle, a.allocateFrom(name), w, h);
            return new long[] {w.get(JAVA_LONG, 0), h.get(JAVA_LONG, 0)};
        });
    }

    /**
     * Reads a region of a level as premultiplied ARGB, row-major. {@code x}/{@code y} are in the level's own pixel
     * grid (converted here to the level-0 coordinates OpenSlide expects); areas outside the slide are transparent 0.
     */
    public synchronized int[] readRegion(int level, long x, long y, int width, int height) throws SourceException {
        requireOpen();
        double ds = levelDownsample(level);
        // ceil: OpenSlide divides by the downsample again; never land one pixel short of x on non-integer downsamples
        long x0 = (long) Math.ceil(x * ds - 1e-6);
        long y0 = (long) Math.ceil(y * ds - 1e-6);
        MemorySegment buf = buffer((long) width * height);
        onHandle(a -> {
            lib.readRegion.invokeExact(handle, buf, x0, y0, level, (long) width, (long) height);
            return null;
        });
        return buf.asSlice(0, (long) width * height * 4).toArray(JAVA_INT);
    }

    /** Reads a whole associated image as premultiplied ARGB, row-major. */
    public synchronized int[] readAssociatedImage(String name, int width, int height) throws SourceException {
        requireOpen();
        MemorySegment buf = buffer((long) width * height);
        onHandle(a -> {
            lib.readAssociated.invokeExact(handle, a.allocateFrom(name), buf);
            return null;
        });
        return buf.asSlice(0, (long) width * height * 4).toArray(JAVA_INT);
    }

    /** One native pixel buffer, grown to the largest request (tiles are all the same size). */
    private MemorySegment buffer(long pixelsNeeded) {
        if (pixels.byteSize() < pixelsNeeded * 4) {
            pixels = arena.allocate(JAVA_INT, pixelsNeeded);
        }
        return pixels;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lib.close.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("openslide_close failed: " + t.getMessage(), t);
        } finally {
            arena.close();
        }
    }
}
