package org.wsiarchive.core.dicom.frames;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link FrameIndex} of a stored Part 10 file by scanning it once.
 *
 * <p>Header values (NumberOfFrames, Rows, Columns, SamplesPerPixel, BitsAllocated, PhotometricInterpretation,
 * TransferSyntaxUID) are read with PixelMed, stopping before the pixel data. Byte offsets are found by
 * {@link Part10Scanner}, which walks element headers from the end of the file meta group (Explicit VR Little Endian,
 * Implicit VR Little Endian, Explicit VR Big Endian; a file without preamble/meta header is Implicit VR Little Endian
 * unless its first element carries an explicit VR).
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li><b>Native</b>: frame {@code i} starts at {@code valueOffset + i*frameSize} with
 *       {@code frameSize = Rows*Columns*SamplesPerPixel*BitsAllocated/8} (Float/Double Float Pixel Data: 32/64 bits).
 *       Native YBR_FULL_422 / YBR_PARTIAL_422 with 3 samples stores 2 samples per pixel (PS3.3 C.7.6.3.1.2) and is
 *       sized accordingly. Pixel Data shorter than NumberOfFrames*frameSize is an error.</li>
 *   <li><b>BitsAllocated=1</b> (or any non-multiple of 8): frames are bit-packed back to back. If a frame is a
 *       whole number of bytes ({@code Rows*Columns*SamplesPerPixel % 8 == 0}) or there is only one frame, the index is
 *       positional with {@code ceil(bits/8)}-byte frames (the last byte of a single frame may hold unused padding
 *       bits). Otherwise frames start inside bytes and the index is returned with
 *       {@link FrameIndex.Kind#BIT_PACKED_UNALIGNED} (not positional, frame count known): the caller must decode.</li>
 *   <li><b>Deflated</b> (1.2.840.10008.1.2.1.99): no byte of the file corresponds to a frame, so an index of kind
 *       {@link FrameIndex.Kind#DEFLATED} is returned (not positional, frame count from the header, no segments); the
 *       caller falls back to its slow path. No exception is thrown.</li>
 *   <li><b>Encapsulated</b>: the Basic Offset Table item, the Extended Offset Table (7FE0,0001) when present and
 *       every fragment item up to the sequence delimiter are read. Fragments are mapped to frames, first rule that
 *       applies wins:
 *       <ol>
 *         <li>as many fragments as frames: one fragment per frame;</li>
 *         <li>a valid Extended Offset Table (one offset per frame, each the start of a fragment item, first 0,
 *             increasing);</li>
 *         <li>a valid, non-empty Basic Offset Table (same checks);</li>
 *         <li>a single frame: all fragments form it;</li>
 *         <li>JPEG family (baseline, extended, lossless, JPEG-LS) and JPEG 2000 / HTJ2K: a frame starts at every
 *             fragment whose value starts with SOI (FFD8) or, for JPEG 2000, SOC (FF4F), provided fragment 0 does
 *             and exactly NumberOfFrames fragments do. (A continuation fragment cut right before an embedded
 *             marker, such as an EXIF thumbnail, would change the count and make the file ambiguous rather than
 *             mis-indexed.)</li>
 *         <li>otherwise {@link FrameIndexException} ("cannot map N fragments to M frames"), also when there are fewer
 *             fragments than frames.</li>
 *       </ol></li>
 * </ul>
 * A file without top-level pixel data raises {@link NoPixelDataException} (a {@link FrameIndexException}).
 */
public final class FrameIndexBuilder {

    static final String IMPLICIT_VR_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
    static final String EXPLICIT_VR_BE = "1.2.840.10008.1.2.2";
    static final String DEFLATED_EXPLICIT_VR_LE = "1.2.840.10008.1.2.1.99";

    private static final Set<String> JPEG_FAMILY = Set.of(
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
            "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81");
    private static final Set<String> J2K_FAMILY = Set.of(
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93",
            "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203");
    private static final int SOI = 0xFFD8;
    private static final int SOC = 0xFF4F;

    private FrameIndexBuilder() {
    }

    /** Header values read with PixelMed. */
    record ImageHeader(String transferSyntax, int frames, int rows, int columns, int samplesPerPixel, int bitsAllocated,
                       String photometric) {
    }

    /**
     * Scans the stored Part 10 file once. Throws FrameIndexException with a clear message for undecodable structures
     * (truncated file, bad item tags, more fragments than can be mapped...).
     */
    public static FrameIndex build(Path part10File) throws IOException, FrameIndexException {
        try (FileChannel ch = FileChannel.open(part10File, StandardOpenOption.READ)) {
            Part10Scanner scanner = new Part10Scanner(ch);
            scanner.readMeta();
            ImageHeader h = readHeader(part10File);
            String ts = !h.transferSyntax().isEmpty() ? h.transferSyntax()
                    : scanner.metaTransferSyntax() != null ? scanner.metaTransferSyntax() : "";
            if (DEFLATED_EXPLICIT_VR_LE.equals(ts)) {
                return FrameIndex.notPositional(FrameIndex.Kind.DEFLATED, h.frames());
            }
            boolean explicit;
            boolean bigEndian = false;
            if (ts.isEmpty()) {
                explicit = scanner.datasetLooksExplicitLittleEndian();
            } else {
                explicit = !IMPLICIT_VR_LE.equals(ts);
                bigEndian = EXPLICIT_VR_BE.equals(ts);
            }
            Part10Scanner.PixelDataLocation pd = scanner.findPixelData(explicit, bigEndian);
            if (pd == null) {
                throw new NoPixelDataException(part10File.getFileName() + " has no top-level Pixel Data element");
            }
            if (pd.undefinedLength()) {
                return encapsulated(scanner, pd, h, ts);
            }
            if (JPEG_FAMILY.contains(ts) || J2K_FAMILY.contains(ts) || "1.2.840.10008.1.2.5".equals(ts)) {
                throw new FrameIndexException("Pixel Data has a defined length (" + pd.length()
                        + ") although transfer syntax " + ts + " requires encapsulation");
            }
            return nativeFrames(scanner, pd, h, bigEndian);
        }
    }

    static ImageHeader readHeader(Path file) throws IOException, FrameIndexException {
        AttributeList list = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             DicomInputStream din = new DicomInputStream(in)) {
            list.read(din, (l, tag, offset) -> tag.getGroup() >= 0x7FE0 && tag.getGroup() != 0xFFFE);
        } catch (DicomException | IOException | RuntimeException e) {
            throw new FrameIndexException("PixelMed could not read the header of " + file.getFileName() + ": " + e, e);
        }
        int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
        if (frames < 1) {
            throw new FrameIndexException("invalid NumberOfFrames " + frames);
        }
        return new ImageHeader(
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID).trim(),
                frames,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0),
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation).trim());
    }

    private static FrameIndex nativeFrames(Part10Scanner scanner, Part10Scanner.PixelDataLocation pd, ImageHeader h,
                                           boolean bigEndian) throws FrameIndexException {
        int bits = switch (pd.tag()) {
            case 0x7FE00008 -> 32;
            case 0x7FE00009 -> 64;
            default -> h.bitsAllocated();
        };
        if (h.rows() <= 0 || h.columns() <= 0 || bits <= 0 || h.samplesPerPixel() <= 0) {
            throw new FrameIndexException("cannot size native frames: Rows=" + h.rows() + " Columns=" + h.columns()
                    + " SamplesPerPixel=" + h.samplesPerPixel() + " BitsAllocated=" + bits);
        }
        int samples = h.samplesPerPixel();
        if (samples == 3 && (h.photometric().equals("YBR_FULL_422") || h.photometric().equals("YBR_PARTIAL_422"))) {
            samples = 2; // 4:2:2 native: Y1 Y2 Cb Cr per two pixels
        }
        long frameBits = (long) h.rows() * h.columns() * samples * bits;
        long valueEnd = pd.valueOffset() + pd.length();
        if (valueEnd > scanner.size()) {
            throw new FrameIndexException("file is truncated: Pixel Data declares " + pd.length() + " bytes at offset "
                    + pd.valueOffset() + " but the file is only " + scanner.size() + " bytes long");
        }
        long needBytes = Math.ceilDiv(Math.multiplyExact(frameBits, (long) h.frames()), 8L);
        if (needBytes > pd.length()) {
            throw new FrameIndexException("Pixel Data value length " + pd.length() + " is shorter than NumberOfFrames "
                    + h.frames() + " x frame size (" + frameBits + " bits) = " + needBytes + " bytes");
        }
        if (frameBits % 8 != 0 && h.frames() > 1) {
            return FrameIndex.notPositional(FrameIndex.Kind.BIT_PACKED_UNALIGNED, h.frames());
        }
        return FrameIndex.ofNative(h.frames(), pd.valueOffset(), Math.ceilDiv(frameBits, 8L), bigEndian);
    }

    private static FrameIndex encapsulated(Part10Scanner scanner, Part10Scanner.PixelDataLocation pd, ImageHeader h, String ts)
            throws IOException, FrameIndexException {
        Part10Scanner.Fragments fr = scanner.scanFragments(pd);
        int nf = h.frames();
        int n = fr.count();
        if (n == 0) {
            throw new FrameIndexException("encapsulated Pixel Data has no fragments (NumberOfFrames " + nf + ")");
        }
        if (n < nf) {
            throw new FrameIndexException("encapsulated Pixel Data has only " + n + " fragment(s) for NumberOfFrames " + nf);
        }
        if (n == nf) {
            return FrameIndex.ofEncapsulated(nf, fr.valueOffsets(), trimmedLengths(fr, null, nf, ts), null);
        }
        List<String> tried = new ArrayList<>();
        int[] first = null;
        if (pd.eotOffset() >= 0) {
            long[] eot = scanner.readUInt64LEArray(pd.eotOffset(), pd.eotLength());
            first = mapStarts(eot, nf, fr, "Extended Offset Table", tried);
        }
        if (first == null && fr.basicOffsetTable().length > 0) {
            first = mapStarts(fr.basicOffsetTable(), nf, fr, "Basic Offset Table", tried);
        }
        if (first == null && nf == 1) {
            first = new int[]{0, n};
        }
        if (first == null) {
            int marker = JPEG_FAMILY.contains(ts) ? SOI : J2K_FAMILY.contains(ts) ? SOC : -1;
            if (marker < 0) {
                tried.add("no start-of-image marker split for transfer syntax " + ts);
            } else {
                first = splitAtMarker(scanner, fr, nf, marker, tried);
            }
        }
        if (first == null) {
            throw new FrameIndexException("cannot map " + n + " fragments to " + nf + " frames (more fragments than frames and "
                    + "no usable offset table): " + String.join("; ", tried));
        }
        return FrameIndex.ofEncapsulated(nf, fr.valueOffsets(), trimmedLengths(fr, first, nf, ts), first);
    }

    /**
     * JPEG, JPEG-LS and JPEG 2000 codestreams end with FFD9; an odd-length codestream is padded to even length with one
     * byte after it (0x00, or the JPEG fill byte 0xFF as some writers do). That pad byte is excluded from the frame (its last segment), as PixelMed does, so a served frame
     * is exactly the codestream.
     */
    private static int[] trimmedLengths(Part10Scanner.Fragments fr, int[] first, int nf, String ts) {
        int[] lens = fr.valueLengths();
        if (!JPEG_FAMILY.contains(ts) && !J2K_FAMILY.contains(ts)) {
            return lens;
        }
        for (int i = 0; i < nf; i++) {
            int last = first == null ? i : first[i + 1] - 1;
            if (fr.endsWithPaddedEoi().get(last)) {
                lens[last]--;
            }
        }
        return lens;
    }

    /** Offsets relative to the first fragment item; each must be the start of a fragment item. */
    private static int[] mapStarts(long[] starts, int nf, Part10Scanner.Fragments fr, String what, List<String> tried) {
        if (starts.length != nf) {
            tried.add(what + " has " + starts.length + " entries for " + nf + " frames");
            return null;
        }
        long[] itemRel = new long[fr.count()];
        for (int k = 0; k < fr.count(); k++) {
            itemRel[k] = fr.itemOffset(k) - fr.firstItemOffset();
        }
        int[] first = new int[nf + 1];
        for (int i = 0; i < nf; i++) {
            int k = Arrays.binarySearch(itemRel, starts[i]);
            if (k < 0 || (i == 0 && k != 0) || (i > 0 && k <= first[i - 1])) {
                tried.add(what + " entry " + i + " (" + starts[i] + ") is not the start of a new fragment item");
                return null;
            }
            first[i] = k;
        }
        first[nf] = fr.count();
        return first;
    }

    private static int[] splitAtMarker(Part10Scanner scanner, Part10Scanner.Fragments fr, int nf, int marker, List<String> tried)
            throws IOException, FrameIndexException {
        int[] first = new int[nf + 1];
        int frames = 0;
        for (int k = 0; k < fr.count(); k++) {
            if (scanner.marker(fr.valueOffsets()[k], fr.valueLengths()[k]) == marker) {
                if (frames == nf) {
                    tried.add("more than " + nf + " fragments start with marker " + Integer.toHexString(marker).toUpperCase());
                    return null;
                }
                first[frames++] = k;
            } else if (k == 0) {
                tried.add("fragment 0 does not start with marker " + Integer.toHexString(marker).toUpperCase());
                return null;
            }
        }
        if (frames != nf) {
            tried.add("only " + frames + " fragments start with marker " + Integer.toHexString(marker).toUpperCase());
            return null;
        }
        first[nf] = fr.count();
        return first;
    }
}
