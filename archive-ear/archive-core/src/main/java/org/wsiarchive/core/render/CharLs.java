package org.wsiarchive.core.render;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * JPEG-LS (ISO/IEC 14495-1, DICOM 1.2.840.10008.1.2.4.80 and .81) decoded by CharLS, the reference implementation,
 * from Debian's libcharls2, through its C API ({@code charls_jpegls_decoder_*}, CharLS 2.x) and java.lang.foreign.
 * Native memory is used for the source and destination (copied in and out of a confined arena) so no Java heap array
 * is pinned while CharLS runs; each call creates and destroys its own decoder, so calls are independent across threads.
 * <p>
 * The library is looked up once. When it is missing the archive still runs: {@link #unavailableReason()} says so
 * and JPEG-LS frames are reported as not decodable. The JVM needs {@code --enable-native-access=ALL-UNNAMED}
 * (the launcher, the integration tests and surefire pass it) or Java warns on the first restricted call.
 */
final class CharLs {

    /** Debian's libcharls2 soname first, then the platform's plain name (a CharLS built from source). */
    static final String[] LIBRARY_NAMES = {"libcharls.so.2", System.mapLibraryName("charls")};

    /** The default binding of this JVM: null reason when CharLS was found. */
    static final CharLs DEFAULT = load(LIBRARY_NAMES);

    private static final int INTERLEAVE_MODE_NONE = 0;

    /** struct charls_frame_info { uint32_t width; uint32_t height; int32_t bits_per_sample; int32_t component_count; } */
    private static final StructLayout FRAME_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("width"), JAVA_INT.withName("height"),
            JAVA_INT.withName("bits_per_sample"), JAVA_INT.withName("component_count"));

    private final String unavailableReason;
    private final MethodHandle create, destroy, setSourceBuffer, readHeader, getFrameInfo, getInterleaveMode,
            getDestinationSize, decodeToBuffer, errorMessage;

    private CharLs(String unavailableReason, MethodHandle... h) {
        this.unavailableReason = unavailableReason;
        boolean ok = h.length == 9;
        create = ok ? h[0] : null;
        destroy = ok ? h[1] : null;
        setSourceBuffer = ok ? h[2] : null;
        readHeader = ok ? h[3] : null;
        getFrameInfo = ok ? h[4] : null;
        getInterleaveMode = ok ? h[5] : null;
        getDestinationSize = ok ? h[6] : null;
        decodeToBuffer = ok ? h[7] : null;
        errorMessage = ok ? h[8] : null;
    }

    /** Binds the first of {@code libraryNames} the dynamic linker finds (a missing library is a reason, never an error). */
    static CharLs load(String... libraryNames) {
        if (ADDRESS.byteSize() != 8) return new CharLs("JPEG-LS decoding needs a 64-bit JVM (size_t is bound as 64 bits)");
        SymbolLookup lookup = null;
        StringBuilder tried = new StringBuilder();
        for (String name : libraryNames) {
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
                break;
            } catch (IllegalArgumentException notFound) {
                tried.append(tried.isEmpty() ? "" : ", ").append(name);
            } catch (IllegalCallerException | UnsupportedOperationException e) {
                return new CharLs("native access to CharLS is not allowed (start the JVM with"
                        + " --enable-native-access=ALL-UNNAMED): " + e.getMessage());
            }
        }
        if (lookup == null) {
            return new CharLs("the CharLS library is not installed (tried " + tried + "): install the Debian package libcharls2");
        }
        Linker linker = Linker.nativeLinker();
        try {
            SymbolLookup l = lookup;
            java.util.function.BiFunction<String, FunctionDescriptor, MethodHandle> bind = (symbol, descriptor) ->
                    linker.downcallHandle(l.find(symbol).orElseThrow(() -> new IllegalArgumentException(
                            "CharLS has no symbol " + symbol + " (CharLS 2.x is needed)")), descriptor);
            return new CharLs(null,
                    bind.apply("charls_jpegls_decoder_create", FunctionDescriptor.of(ADDRESS)),
                    bind.apply("charls_jpegls_decoder_destroy", FunctionDescriptor.ofVoid(ADDRESS)),
                    bind.apply("charls_jpegls_decoder_set_source_buffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)),
                    bind.apply("charls_jpegls_decoder_read_header", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                    bind.apply("charls_jpegls_decoder_get_frame_info", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                    bind.apply("charls_jpegls_decoder_get_interleave_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                    bind.apply("charls_jpegls_decoder_get_destination_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
                    bind.apply("charls_jpegls_decoder_decode_to_buffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT)),
                    bind.apply("charls_get_error_message", FunctionDescriptor.of(ADDRESS, JAVA_INT)));
        } catch (IllegalArgumentException e) {
            return new CharLs(e.getMessage());
        }
    }

    /** Why JPEG-LS cannot be decoded in this JVM, or null when it can. */
    String unavailableReason() {
        return unavailableReason;
    }

    /**
     * Decodes one JPEG-LS frame whose header must match the instance (checked before any output is allocated).
     *
     * @return samples interleaved by pixel whatever the interleave mode of the scan (CharLS writes mode "none" as
     * planes), 16-bit samples little endian (CharLS writes the platform's order: the binding is for little-endian
     * x86-64/aarch64 Linux)
     */
    LosslessSamples decode(ImageDescription d, byte[] frame) throws NotDecodableException {
        if (unavailableReason != null) throw new NotDecodableException("JPEG-LS cannot be decoded: " + unavailableReason);
        if (!endsWithEndOfImage(frame)) {
            // CharLS 2.4 spends seconds of CPU on a truncated scan before it fails: refuse it up front
            throw new NotDecodableException("JPEG-LS frame is truncated (it does not end with an EOI marker)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment decoder = (MemorySegment) create.invokeExact();
            if (decoder.equals(MemorySegment.NULL)) throw new NotDecodableException("CharLS could not create a decoder");
            try {
                MemorySegment source = arena.allocate(Math.max(frame.length, 1));
                MemorySegment.copy(frame, 0, source, JAVA_BYTE, 0, frame.length);
                check((int) setSourceBuffer.invokeExact(decoder, source, (long) frame.length), "reading the frame");
                check((int) readHeader.invokeExact(decoder), "reading the JPEG-LS header");
                MemorySegment info = arena.allocate(FRAME_INFO);
                check((int) getFrameInfo.invokeExact(decoder, info), "reading the frame header");
                int columns = info.get(JAVA_INT, 0), rows = info.get(JAVA_INT, 4);
                int precision = info.get(JAVA_INT, 8), components = info.get(JAVA_INT, 12);
                if (columns != d.columns() || rows != d.rows() || components != d.samplesPerPixel()) {
                    throw new NotDecodableException("JPEG-LS frame is " + Integer.toUnsignedString(columns) + "x"
                            + Integer.toUnsignedString(rows) + " with " + components + " components, the instance declares "
                            + d.columns() + "x" + d.rows() + " with " + d.samplesPerPixel());
                }
                if (precision > d.bitsAllocated()) {
                    throw new NotDecodableException("JPEG-LS frame has " + precision + "-bit samples, more than the "
                            + d.bitsAllocated() + " bits allocated");
                }
                MemorySegment mode = arena.allocate(JAVA_INT);
                check((int) getInterleaveMode.invokeExact(decoder, mode), "reading the interleave mode");
                int bytes = precision <= 8 ? 1 : 2;
                long expected = (long) columns * rows * components * bytes;
                MemorySegment size = arena.allocate(JAVA_LONG);
                check((int) getDestinationSize.invokeExact(decoder, 0, size), "sizing the output");
                if (size.get(JAVA_LONG, 0) != expected) {
                    throw new NotDecodableException("CharLS would write " + size.get(JAVA_LONG, 0) + " bytes, expected " + expected);
                }
                MemorySegment destination = arena.allocate(expected);
                check((int) decodeToBuffer.invokeExact(decoder, destination, expected, 0), "decoding");
                byte[] out = destination.toArray(JAVA_BYTE);
                if (mode.get(JAVA_INT, 0) == INTERLEAVE_MODE_NONE) {
                    out = LosslessSamples.interleave(out, columns * rows, components, bytes);
                }
                return new LosslessSamples(columns, rows, components, precision, out);
            } finally {
                destroy.invokeExact(decoder);
            }
        } catch (NotDecodableException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new NotDecodableException("JPEG-LS frame cannot be decoded: " + e, e);
        }
    }

    /** Whether the bitstream ends with EOI (FF D9), allowing the one zero byte that pads a DICOM fragment to even length. */
    static boolean endsWithEndOfImage(byte[] b) {
        int end = b.length;
        if (end > 0 && b[end - 1] == 0) end--;
        return end >= 2 && (b[end - 2] & 0xFF) == 0xFF && (b[end - 1] & 0xFF) == 0xD9;
    }

    private void check(int errc, String step) throws Throwable {
        if (errc == 0) return;
        MemorySegment message = (MemorySegment) errorMessage.invokeExact(errc);
        String text = message.equals(MemorySegment.NULL) ? "error " + errc : message.reinterpret(4096).getString(0);
        throw new NotDecodableException("JPEG-LS frame cannot be decoded (CharLS, " + step + "): " + text);
    }
}
