package org.wsiarchive.core.dicom.frames;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Frame index against every DICOM file of the shared test data, compared frame by frame with PixelMed. */
class FrameIndexBuilderTest {

    static Path testData() {
        String p = System.getProperty("testdata.dir");
        Path dir = p != null ? Paths.get(p) : Paths.get("/work/shared/testdata");
        if (!Files.isDirectory(dir.resolve("dicom-wsi"))) {
            dir = Paths.get("/work/shared/testdata");
        }
        assertTrue(Files.isDirectory(dir.resolve("dicom-wsi")), "test data not found at " + dir);
        return dir.toAbsolutePath().normalize();
    }

    static Stream<Path> dicomFiles() {
        Path root = testData();
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("dicom-wsi", "dicom-misc", "dicom-seg", "dicom-ann")) {
            try (Stream<Path> s = Files.walk(root.resolve(sub))) {
                s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".txt")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files.stream();
    }

    /** Kinds seen across the parameterised run, checked by {@link #coverage()} so the comparison cannot be vacuous. */
    static final Map<String, Path> SEEN = new ConcurrentHashMap<>();

    @BeforeAll
    static void checkFileCount() {
        assertTrue(dicomFiles().count() >= 45, "expected the shared DICOM test files");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dicomFiles")
    void framesMatchPixelMed(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(file.toFile());
        Attribute pixelData = list.get(TagFromName.PixelData);
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        if (pixelData == null) {
            FrameIndexException e = assertThrows(NoPixelDataException.class, () -> FrameIndexBuilder.build(file));
            assertTrue(e.getMessage().contains("no top-level Pixel Data"), e.getMessage());
            SEEN.put("no-pixel-data", file);
            return;
        }
        FrameIndex index = FrameIndexBuilder.build(file);
        int pixelMedFrames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
        assertEquals(pixelMedFrames, index.frameCount(), "frame count");
        assertEquals(index, FrameIndex.fromBytes(index.toBytes()), "binary round trip");

        if (ts.equals("1.2.840.10008.1.2.1.99")) {
            assertEquals(FrameIndex.Kind.DEFLATED, index.kind());
            assertFalse(index.positional());
            assertEquals(0, index.segmentCount(0));
            assertEquals(-1, index.frameLength(0));
            SEEN.put("deflated", file);
            return;
        }
        try (FileChannel ch = FileChannel.open(file)) {
            if (pixelData instanceof OtherByteAttributeMultipleCompressedFrames compressed) {
                assertTrue(index.encapsulated(), "encapsulated expected for " + ts);
                assertEquals(compressed.getNumberOfFrames(), index.frameCount());
                for (int i = 0; i < index.frameCount(); i++) {
                    byte[] expected = compressed.getByteValuesForSelectedFrame(i);
                    byte[] actual = index.readFrame(ch, i);
                    assertEquals(expected.length, index.frameLength(i), "frame " + i + " length");
                    assertArrayEquals(expected, actual, "frame " + i + " bytes");
                }
                SEEN.put("encapsulated " + ts, file);
                return;
            }
            assertFalse(index.encapsulated());
            int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
            if (index.kind() == FrameIndex.Kind.BIT_PACKED_UNALIGNED) {
                int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
                int cols = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
                assertEquals(1, bits);
                assertTrue((long) rows * cols % 8 != 0, "unaligned frames only when frame bits are not whole bytes");
                assertEquals(0, index.segmentCount(0));
                assertThrows(IllegalStateException.class, () -> index.readFrame(ch, 0));
                SEEN.put("bit-packed-unaligned", file);
                return;
            }
            assertEquals(FrameIndex.Kind.NATIVE, index.kind());
            byte[] all;
            boolean be = ts.equals("1.2.840.10008.1.2.2");
            assertEquals(be, index.bigEndian());
            if (pixelData instanceof OtherWordAttribute ow) {
                short[] s = ow.getShortValues();
                all = new byte[s.length * 2];
                for (int k = 0; k < s.length; k++) {
                    int hi = (s[k] >> 8) & 0xFF, lo = s[k] & 0xFF;
                    all[2 * k] = (byte) (be ? hi : lo);
                    all[2 * k + 1] = (byte) (be ? lo : hi);
                }
                SEEN.put("native OW", file);
            } else {
                all = pixelData.getByteValues();
            }
            long fs = index.frameLength(0);
            assertTrue(fs * index.frameCount() <= all.length, "frames fit in PixelMed's value");
            for (int i = 0; i < index.frameCount(); i++) {
                assertEquals(1, index.segmentCount(i));
                assertEquals(fs, index.frameLength(i));
                byte[] expected = Arrays.copyOfRange(all, (int) (i * fs), (int) ((i + 1) * fs));
                assertArrayEquals(expected, index.readFrame(ch, i), "native frame " + i);
            }
            SEEN.put("native " + (ts.isEmpty() ? "no-meta" : ts), file);
        }
    }

    @Test
    void coverage() throws Exception {
        // runs the per-file check for the files that prove each code path, independently of test ordering
        dicomFiles().forEach(f -> {
            try {
                framesMatchPixelMed(f);
            } catch (Exception e) {
                fail(f + ": " + e, e);
            }
        });
        for (String k : List.of("no-pixel-data", "deflated", "bit-packed-unaligned", "native OW", "native no-meta",
                "native 1.2.840.10008.1.2.2", "native 1.2.840.10008.1.2.1",
                "encapsulated 1.2.840.10008.1.2.4.50", "encapsulated 1.2.840.10008.1.2.4.51",
                "encapsulated 1.2.840.10008.1.2.4.80", "encapsulated 1.2.840.10008.1.2.4.81",
                "encapsulated 1.2.840.10008.1.2.4.90", "encapsulated 1.2.840.10008.1.2.4.91",
                "encapsulated 1.2.840.10008.1.2.5")) {
            assertNotNull(SEEN.get(k), "no test file exercised " + k + " (seen: " + SEEN.keySet() + ")");
        }
    }

    @Test
    void wsiFileIsOneFragmentPerFrame() throws Exception {
        Path f = testData().resolve("dicom-wsi/pathml/small_dicom.dcm");
        FrameIndex index = FrameIndexBuilder.build(f);
        assertEquals(42, index.frameCount());
        assertTrue(index.encapsulated());
        assertEquals(42, index.totalSegments());
        try (FileChannel ch = FileChannel.open(f)) {
            for (int i = 0; i < 42; i++) {
                byte[] frame = index.readFrame(ch, i);
                assertEquals(0xFF, frame[0] & 0xFF);
                assertEquals(0xD8, frame[1] & 0xFF, "frame " + i + " starts with SOI");
                assertTrue(i == 0 || index.segmentOffset(i, 0) > index.segmentOffset(i - 1, 0));
            }
        }
    }

    // ------------------------------------------------------------------------------------------- truncation

    @Test
    void truncatedWsiCopiesFail(@TempDir Path tmp) throws Exception {
        Path src = testData().resolve("dicom-wsi/pathml/small_dicom.dcm");
        byte[] all = Files.readAllBytes(src);
        FrameIndex index = FrameIndexBuilder.build(src);
        long f10 = index.segmentOffset(10, 0);
        long last = index.segmentOffset(41, 0) + index.segmentLength(41, 0);
        long[] cuts = {
                f10 + index.segmentLength(10, 0) / 2,        // middle of fragment 10
                f10 + 1,                                     // first byte of fragment 10's value
                f10 - 4,                                     // inside fragment 10's item header
                f10 - 8,                                     // exactly before fragment 10's item header
                last,                                        // after the last fragment, before the delimiter
                last + 4,                                    // inside the sequence delimiter
                index.segmentOffset(0, 0) - 8 - 2,           // inside the first fragment item header
                all.length - 1                               // one byte short
        };
        for (long cut : cuts) {
            Path t = tmp.resolve("cut-" + cut + ".dcm");
            Files.write(t, Arrays.copyOf(all, (int) cut));
            FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(t), "cut at " + cut);
            assertTrue(e.getMessage().contains("truncated"), "clear message for cut at " + cut + ": " + e.getMessage());
        }
    }

    @Test
    void truncatedNativeFileFails(@TempDir Path tmp) throws Exception {
        Path src = testData().resolve("dicom-wsi/highdicom/sm_image.dcm");
        byte[] all = Files.readAllBytes(src);
        Path t = tmp.resolve("cut.dcm");
        Files.write(t, Arrays.copyOf(all, all.length - 100));
        FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(t));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedInsideHeaderFails(@TempDir Path tmp) throws Exception {
        byte[] all = Files.readAllBytes(testData().resolve("dicom-wsi/pathml/small_dicom.dcm"));
        Path t = tmp.resolve("cut.dcm");
        Files.write(t, Arrays.copyOf(all, 700));
        assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(t));
    }

    // ------------------------------------------------------------------------------------------- synthetic structures

    private static byte[] jpegLike(int len, int seed, boolean soi) {
        byte[] b = new byte[len];
        java.util.Random r = new java.util.Random(seed);
        r.nextBytes(b);
        for (int i = 0; i < len - 1; i++) {
            if ((b[i] & 0xFF) == 0xFF) {
                b[i + 1] = 0; // no accidental markers
            }
        }
        if (soi) {
            b[0] = (byte) 0xFF;
            b[1] = (byte) 0xD8;
        } else if ((b[0] & 0xFF) == 0xFF) {
            b[0] = 0x12;
        }
        return b;
    }

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static void assertFrame(FrameIndex idx, FileChannel ch, int frame, byte[]... parts) throws IOException {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        byte[] exp = new byte[total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, exp, at, p.length);
            at += p.length;
        }
        assertEquals(parts.length, idx.segmentCount(frame), "segments of frame " + frame);
        assertArrayEquals(exp, idx.readFrame(ch, frame), "frame " + frame);
    }

    /** frames of 1, 2, 3 fragments: f0 | f1a f1b | f2a f2b f2c */
    private static List<byte[]> multiFragmentFrames() {
        return List.of(jpegLike(100, 1, true),
                jpegLike(60, 2, true), jpegLike(40, 3, false),
                jpegLike(30, 4, true), jpegLike(20, 5, false), jpegLike(10, 6, false));
    }

    @Test
    void basicOffsetTableMapsMultiFragmentFrames(@TempDir Path tmp) throws Exception {
        List<byte[]> fr = multiFragmentFrames();
        long[] bot = {0, 108, 108 + 68 + 48};
        // RLE transfer syntax: no marker split possible, the BOT is the only way
        Path f = write(tmp, "bot.dcm", new SyntheticPart10("1.2.840.10008.1.2.5", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").iconSequenceWithNestedPixelData().encapsulated(bot, fr, true).bytes());
        FrameIndex idx = FrameIndexBuilder.build(f);
        assertEquals(3, idx.frameCount());
        try (FileChannel ch = FileChannel.open(f)) {
            assertFrame(idx, ch, 0, fr.get(0));
            assertFrame(idx, ch, 1, fr.get(1), fr.get(2));
            assertFrame(idx, ch, 2, fr.get(3), fr.get(4), fr.get(5));
        }
        assertEquals(100, idx.frameLength(0));
        assertEquals(60, idx.frameLength(2));
        assertEquals(idx, FrameIndex.fromBytes(idx.toBytes()));
    }

    @Test
    void extendedOffsetTableMapsMultiFragmentFrames(@TempDir Path tmp) throws Exception {
        List<byte[]> fr = multiFragmentFrames();
        long[] eot = {0, 108, 108 + 68 + 48};
        Path f = write(tmp, "eot.dcm", new SyntheticPart10("1.2.840.10008.1.2.5", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").extendedOffsetTable(eot, new long[]{100, 100, 60})
                .encapsulated(new long[0], fr, true).bytes());
        FrameIndex idx = FrameIndexBuilder.build(f);
        try (FileChannel ch = FileChannel.open(f)) {
            assertFrame(idx, ch, 1, fr.get(1), fr.get(2));
            assertFrame(idx, ch, 2, fr.get(3), fr.get(4), fr.get(5));
        }
    }

    @Test
    void jpegFragmentsSplitAtSoiWithoutOffsetTable(@TempDir Path tmp) throws Exception {
        List<byte[]> fr = multiFragmentFrames();
        Path f = write(tmp, "soi.dcm", new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(3, 8, 8, 3, 8, "YBR_FULL_422").encapsulated(new long[0], fr, true).bytes());
        FrameIndex idx = FrameIndexBuilder.build(f);
        try (FileChannel ch = FileChannel.open(f)) {
            assertFrame(idx, ch, 0, fr.get(0));
            assertFrame(idx, ch, 1, fr.get(1), fr.get(2));
            assertFrame(idx, ch, 2, fr.get(3), fr.get(4), fr.get(5));
        }
    }

    @Test
    void ambiguousFragmentsFail(@TempDir Path tmp) throws Exception {
        List<byte[]> fr = multiFragmentFrames();
        // RLE: no offset table and no marker split -> ambiguous
        Path rle = write(tmp, "rle.dcm", new SyntheticPart10("1.2.840.10008.1.2.5", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], fr, true).bytes());
        FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(rle));
        assertTrue(e.getMessage().contains("cannot map 6 fragments to 3 frames"), e.getMessage());
        // JPEG with 4 SOI-starting fragments for 2 frames -> ambiguous
        Path jpeg = write(tmp, "jpeg.dcm", new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(2, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], fr, true).bytes());
        e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(jpeg));
        assertTrue(e.getMessage().contains("more than 2 fragments start with marker FFD8"), e.getMessage());
        // a BOT that does not point at fragment starts is rejected (and nothing else applies for RLE)
        Path badBot = write(tmp, "badbot.dcm", new SyntheticPart10("1.2.840.10008.1.2.5", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[]{0, 100, 200}, fr, true).bytes());
        e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(badBot));
        assertTrue(e.getMessage().contains("Basic Offset Table entry 1"), e.getMessage());
    }

    @Test
    void fewerFragmentsThanFramesFails(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "few.dcm", new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(5, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], multiFragmentFrames(), true).bytes());
        FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(f));
        assertTrue(e.getMessage().contains("only 6 fragment(s) for NumberOfFrames 5") || e.getMessage().contains("cannot map"),
                e.getMessage());
        Path g = write(tmp, "few2.dcm", new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(7, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], multiFragmentFrames(), true).bytes());
        e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(g));
        assertTrue(e.getMessage().contains("only 6 fragment(s) for NumberOfFrames 7"), e.getMessage());
    }

    @Test
    void singleFrameTakesAllFragments(@TempDir Path tmp) throws Exception {
        List<byte[]> fr = multiFragmentFrames();
        Path f = write(tmp, "one.dcm", new SyntheticPart10("1.2.840.10008.1.2.5", true)
                .image(1, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], fr, true).bytes());
        FrameIndex idx = FrameIndexBuilder.build(f);
        try (FileChannel ch = FileChannel.open(f)) {
            assertFrame(idx, ch, 0, fr.toArray(new byte[0][]));
        }
    }

    @Test
    void badItemTagFails(@TempDir Path tmp) throws Exception {
        byte[] b = new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], multiFragmentFrames(), true).bytes();
        // corrupt the item tag of the third fragment: FFFE,E000 -> FFFE,E001
        SyntheticPart10 probe = new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], multiFragmentFrames(), true);
        int itemTag = (int) (long) probe.fragmentValueOffsets.get(2) - 8;
        assertEquals((byte) 0xFE, b[itemTag]);
        b[itemTag + 2] = 0x01;
        Path f = write(tmp, "bad.dcm", b);
        FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(f));
        assertTrue(e.getMessage().contains("bad item tag (FFFE,E001) at offset " + itemTag), e.getMessage());
    }

    @Test
    void missingSequenceDelimiterFails(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "nodelim.dcm", new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(3, 8, 8, 1, 8, "MONOCHROME2").encapsulated(new long[0], multiFragmentFrames(), false).bytes());
        FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(f));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("sequence delimiter"), e.getMessage());
    }

    @Test
    void nativeImplicitWithNestedSequenceAndBitPacking(@TempDir Path tmp) throws Exception {
        // implicit VR LE, undefined-length sequence holding a nested Pixel Data that must be ignored
        byte[] pixels = new byte[4 * 6 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        Path f = write(tmp, "implicit.dcm", new SyntheticPart10("1.2.840.10008.1.2", false)
                .image(4, 4, 6, 1, 8, "MONOCHROME2").iconSequenceWithNestedPixelData()
                .element(0x7FE0, 0x0010, "OB", pixels).bytes());
        FrameIndex idx = FrameIndexBuilder.build(f);
        assertEquals(FrameIndex.Kind.NATIVE, idx.kind());
        assertEquals(24, idx.frameLength(3));
        try (FileChannel ch = FileChannel.open(f)) {
            assertArrayEquals(Arrays.copyOfRange(pixels, 72, 96), idx.readFrame(ch, 3));
        }
        // BitsAllocated 1, 8x8 frames = 8 bytes each: byte aligned, positional
        Path bits = write(tmp, "bits.dcm", new SyntheticPart10("1.2.840.10008.1.2.1", true)
                .image(3, 8, 8, 1, 1, "MONOCHROME2").element(0x7FE0, 0x0010, "OB", Arrays.copyOf(pixels, 24)).bytes());
        FrameIndex b = FrameIndexBuilder.build(bits);
        assertEquals(FrameIndex.Kind.NATIVE, b.kind());
        assertEquals(8, b.frameLength(2));
        assertEquals(b.segmentOffset(0, 0) + 16, b.segmentOffset(2, 0));
        // BitsAllocated 1, 3x3 frames: frame 1 starts at bit 9 -> not positional
        Path odd = write(tmp, "odd.dcm", new SyntheticPart10("1.2.840.10008.1.2.1", true)
                .image(3, 3, 3, 1, 1, "MONOCHROME2").element(0x7FE0, 0x0010, "OB", new byte[4]).bytes());
        assertEquals(FrameIndex.Kind.BIT_PACKED_UNALIGNED, FrameIndexBuilder.build(odd).kind());
        // native value too short for NumberOfFrames
        Path shortPd = write(tmp, "short.dcm", new SyntheticPart10("1.2.840.10008.1.2.1", true)
                .image(5, 4, 6, 1, 8, "MONOCHROME2").element(0x7FE0, 0x0010, "OB", pixels).bytes());
        FrameIndexException e = assertThrows(FrameIndexException.class, () -> FrameIndexBuilder.build(shortPd));
        assertTrue(e.getMessage().contains("shorter than NumberOfFrames"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------- compactness

    @Test
    void thirtyThousandFramesStayCompact(@TempDir Path tmp) throws Exception {
        int n = 30_000;
        List<byte[]> fr = new ArrayList<>(n);
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < n; i++) {
            fr.add(jpegLike(16 + 2 * r.nextInt(200), i, true));
        }
        SyntheticPart10 w = new SyntheticPart10("1.2.840.10008.1.2.4.50", true)
                .image(n, 256, 256, 3, 8, "YBR_FULL_422").encapsulated(new long[0], fr, true);
        Path f = write(tmp, "30k.dcm", w.bytes());
        FrameIndex idx = FrameIndexBuilder.build(f);
        assertEquals(n, idx.frameCount());
        for (int i = 0; i < n; i++) {
            assertEquals(w.fragmentValueOffsets.get(i), idx.segmentOffset(i, 0));
            assertEquals(fr.get(i).length, idx.segmentLength(i, 0));
        }
        byte[] bytes = idx.toBytes();
        // gap (1 byte) + length (<= 2 bytes for < 16 KiB) per frame + small header
        assertTrue(bytes.length <= 3 * n + 32, "binary form too large: " + bytes.length);
        assertTrue(bytes.length >= 2 * n, "binary form implausibly small: " + bytes.length);
        FrameIndex back = FrameIndex.fromBytes(bytes);
        assertEquals(idx, back);
        assertEquals(idx.segmentOffset(29_999, 0), back.segmentOffset(29_999, 0));

        // realistic WSI fragment sizes (20-200 KB) need one more byte per length: still <= 5 bytes per frame
        long[] offs = new long[n];
        int[] lens = new int[n];
        long pos = 5_000;
        for (int i = 0; i < n; i++) {
            offs[i] = pos + 8;
            lens[i] = 20_000 + r.nextInt(180_000);
            pos = offs[i] + lens[i];
        }
        FrameIndex big = FrameIndex.ofEncapsulated(n, offs, lens, null);
        byte[] bb = big.toBytes();
        assertTrue(bb.length <= 4 * n + 32, "binary form too large: " + bb.length);
        assertEquals(big, FrameIndex.fromBytes(bb));
        assertTrue(pos > Integer.MAX_VALUE, "offsets beyond 2 GiB covered");
        assertEquals(offs[n - 1], FrameIndex.fromBytes(bb).segmentOffset(n - 1, 0));

        // native 30,000-frame index is constant size
        FrameIndex nat = FrameIndex.ofNative(n, 1234, 256L * 256 * 3, false);
        assertTrue(nat.toBytes().length < 32, "native index must not grow with frames");
        assertEquals(1234 + 29_999L * 196_608, FrameIndex.fromBytes(nat.toBytes()).segmentOffset(29_999, 0));
    }

    @Test
    void fromBytesRejectsCorruptInput() {
        byte[] b = FrameIndex.ofEncapsulated(2, new long[]{10, 30}, new int[]{12, 14}, null).toBytes();
        byte[] flipped = b.clone();
        flipped[10] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> FrameIndex.fromBytes(flipped));
        byte[] version = b.clone();
        version[4] = 9;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameIndex.fromBytes(version));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrameIndex.fromBytes(Arrays.copyOf(b, 6)));
        assertThrows(IllegalArgumentException.class, () -> FrameIndex.fromBytes("not an index".getBytes()));
        FrameIndex np = FrameIndex.notPositional(FrameIndex.Kind.DEFLATED, 7);
        assertEquals(np, FrameIndex.fromBytes(np.toBytes()));
        assertEquals(7, FrameIndex.fromBytes(np.toBytes()).frameCount());
        assertInstanceOf(FrameIndex.class, FrameIndex.fromBytes(b));
    }
}
