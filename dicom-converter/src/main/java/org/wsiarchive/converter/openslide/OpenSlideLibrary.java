package org.wsiarchive.converter.openslide;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.wsiarchive.converter.source.SourceException;

/**
 * The C API of OpenSlide 3.4.1 (Debian {@code libopenslide0}) bound with the FFM API ({@code java.lang.foreign}). The
 * library is looked up once, on first use; the JVM needs {@code --enable-native-access=ALL-UNNAMED} to call it
 * without warnings. Signatures follow {@code openslide.h}: sizes and coordinates are int64_t, levels int32_t, pixels
 * uint32_t premultiplied ARGB.
 */
final class OpenSlideLibrary {

    /**
     * Library name; the system property {@code wsi2dicom.openslide.library} names another one (e.g. OpenSlide 4's
     * libopenslide.so.1, whose C API is a superset of these functions).
     */
    static final String LIBRARY = System.getProperty("wsi2dicom.openslide.library", "libopenslide.so.0");
    static final String DEBIAN_PACKAGE = "libopenslide0";

    private static OpenSlideLibrary instance;
    private static String loadError;

    final MethodHandle detectVendor;       // const char *(const char *filename)
    final MethodHandle open;               // openslide_t *(const char *filename)
    final MethodHandle close;              // void (openslide_t *)
    final MethodHandle getError;           // const char *(openslide_t *)
    final MethodHandle levelCount;         // int32_t (openslide_t *)
    final MethodHandle levelDimensions;    // void (openslide_t *, int32_t, int64_t *w, int64_t *h)
    final MethodHandle levelDownsample;    // double (openslide_t *, int32_t)
    final MethodHandle readRegion;         // void (openslide_t *, uint32_t *dest, int64_t x, int64_t y, int32_t level, int64_t w, int64_t h)
    final MethodHandle propertyNames;      // const char * const *(openslide_t *)
    final MethodHandle propertyValue;      // const char *(openslide_t *, const char *name)
    final MethodHandle associatedNames;    // const char * const *(openslide_t *)
    final MethodHandle associatedDimensions; // void (openslide_t *, const char *name, int64_t *w, int64_t *h)
    final MethodHandle readAssociated;     // void (openslide_t *, const char *name, uint32_t *dest)
    final MethodHandle version;            // const char *(void)

    private OpenSlideLibrary(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        detectVendor = bind(linker, lib, "openslide_detect_vendor", FunctionDescriptor.of(ADDRESS, ADDRESS));
        open = bind(linker, lib, "openslide_open", FunctionDescriptor.of(ADDRESS, ADDRESS));
        close = bind(linker, lib, "openslide_close", FunctionDescriptor.ofVoid(ADDRESS));
        getError = bind(linker, lib, "openslide_get_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        levelCount = bind(linker, lib, "openslide_get_level_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        levelDimensions = bind(linker, lib, "openslide_get_level_dimensions",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        levelDownsample = bind(linker, lib, "openslide_get_level_downsample",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
        readRegion = bind(linker, lib, "openslide_read_region",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        propertyNames = bind(linker, lib, "openslide_get_property_names", FunctionDescriptor.of(ADDRESS, ADDRESS));
        propertyValue = bind(linker, lib, "openslide_get_property_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        associatedNames = bind(linker, lib, "openslide_get_associated_image_names", FunctionDescriptor.of(ADDRESS, ADDRESS));
        associatedDimensions = bind(linker, lib, "openslide_get_associated_image_dimensions",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        readAssociated = bind(linker, lib, "openslide_read_associated_image",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        version = bind(linker, lib, "openslide_get_version", FunctionDescriptor.of(ADDRESS));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() ->
                new IllegalStateException(LIBRARY + " has no symbol " + name + " (OpenSlide 3.4 or newer needed)"));
        return linker.downcallHandle(symbol, fd);
    }

    /** The bound library, or a {@link SourceException} naming the Debian package when it cannot be loaded. */
    static synchronized OpenSlideLibrary get() throws SourceException {
        if (instance == null && loadError == null) {
            try {
                // the global arena: the library stays loaded for the life of the JVM
                instance = new OpenSlideLibrary(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                loadError = e.getMessage();
            }
        }
        if (instance == null) {
            throw new SourceException("OpenSlide is not available: cannot load " + LIBRARY + " (" + loadError
                    + "); install the Debian package " + DEBIAN_PACKAGE + " (apt-get install " + DEBIAN_PACKAGE + ")");
        }
        return instance;
    }

    static synchronized boolean available() {
        try {
            get();
            return true;
        } catch (SourceException e) {
            return false;
        }
    }

    /** A NUL-terminated C string at {@code p}, or null for NULL. */
    static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** A NULL-terminated array of C strings. */
    static java.util.List<String> strings(MemorySegment array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (array.equals(MemorySegment.NULL)) {
            return out;
        }
        MemorySegment a = array.reinterpret(Long.MAX_VALUE);
        for (long i = 0; ; i++) {
            MemorySegment s = a.getAtIndex(ADDRESS, i);
            if (s.equals(MemorySegment.NULL)) {
                return out;
            }
            out.add(string(s));
        }
    }
}
