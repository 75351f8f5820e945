package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsiarchive.converter.jpeg.RestartIntervalTiles;
import org.wsiarchive.converter.source.SourceException;

/**
 * Hamamatsu NDPI: levels are single JPEG strips cut into tiles at restart markers. Every tile is decoded with ImageIO
 * and compared with the same region of the decoded source strip (read independently through the JDK TIFF plugin).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NdpiConversionTest {

    static final String NDPI = "wsi/ndpi/test3-DAPI-2-_387_.ndpi";
    /** TIFF directory of each output level (from tiffinfo: 3968, 1984, 992, 496 wide). */
    static final int[] LEVEL_DIRS = {0, 1, 2, 3};

    @TempDir
    Path tmp;
    Path out;
    ConversionResult result;

    @BeforeAll
    void convert(@TempDir Path dir) throws Exception {
        out = dir.resolve("ndpi");
        result = Converter.convert(TestSupport.testdata().resolve(NDPI), out, new SlideMetadata(), ConversionOptions.defaults());
    }

    static Raster decodeRaster(byte[] jpeg) throws Exception {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader r = it.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            r.setInput(in);
            return r.readRaster(0, null);
        } finally {
            r.dispose();
        }
    }

    static byte[] strip(Path file, int dir) throws Exception {
        TIFFDirectory d = TestSupport.jdkTiffDirectory(file, dir);
        long[] off = TestSupport.longs(d, 273);
        long[] cnt = TestSupport.longs(d, 279);
        assertEquals(1, off.length, "NDPI levels are one strip");
        return TestSupport.readRange(file, off[0], cnt[0]);
    }

    @Test
    void writesFourLevelsAGeneratedOneAndTheOverview() throws Exception {
        assertEquals(List.of("level-0.dcm", "level-1.dcm", "level-2.dcm", "level-3.dcm", "level-4.dcm", "overview.dcm"),
                result.instances().stream().map(i -> i.file().getFileName().toString()).toList());
        assertEquals("Hamamatsu NDPI", result.sourceFormat());
        // the four source levels and the macro are copied; level 4 (248x304, under 512 px) is generated
        assertEquals(List.of("copied", "copied", "copied", "copied", "re-encoded(lossy)", "copied"),
                result.instances().stream().map(ConversionResult.Instance::mode).toList());
        assertEquals(248, result.instances().get(4).width());
        assertEquals(304, result.instances().get(4).height());
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("NDPI map")), result.warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void everyTileDecodesExactlyLikeTheSourceStripRegion(int level) throws Exception {
        Path f = out.resolve("level-" + level + ".dcm");
        AttributeList h = TestSupport.header(f);
        int rows = (int) Dcm.lng(h, "Rows");
        int cols = (int) Dcm.lng(h, "Columns");
        int totalW = (int) Dcm.lng(h, "TotalPixelMatrixColumns");
        int totalH = (int) Dcm.lng(h, "TotalPixelMatrixRows");
        Raster full = decodeRaster(strip(TestSupport.testdata().resolve(NDPI), LEVEL_DIRS[level]));
        assertEquals(totalW, full.getWidth());
        assertEquals(totalH, full.getHeight());
        TestSupport.Encapsulated enc = TestSupport.encapsulated(f);
        int across = (totalW + cols - 1) / cols;
        int down = (totalH + rows - 1) / rows;
        assertEquals(across * down, enc.itemValues().size());
        assertEquals(across * down, Integer.parseInt(Dcm.str(h, "NumberOfFrames")));
        assertTrue(across * down > 1, "level is split into several tiles");
        int bands = full.getNumBands();
        for (int t = 0; t < enc.itemValues().size(); t++) {
            byte[] frame = enc.itemValues().get(t);
            Raster tile = decodeRaster(frame);
            assertEquals(cols, tile.getWidth());
            assertEquals(rows, tile.getHeight());
            int x0 = (t % across) * cols;
            int y0 = (t / across) * rows;
            int w = Math.min(cols, totalW - x0);
            int hh = Math.min(rows, totalH - y0);
            int[] expected = full.getPixels(x0, y0, w, hh, (int[]) null);
            int[] actual = tile.getPixels(0, 0, w, hh, (int[]) null);
            assertEquals(bands, tile.getNumBands());
            assertArrayEquals(expected, actual, "level " + level + " tile " + t + " differs from the source region");
        }
    }

    @Test
    void headerDescribesFluorescenceChannelAndGeometry() throws Exception {
        AttributeList h = TestSupport.header(out.resolve("level-0.dcm"));
        assertEquals("YBR_FULL_422", Dcm.str(h, "PhotometricInterpretation"));
        assertEquals(3, Dcm.lng(h, "SamplesPerPixel"));
        assertEquals("1.2.840.10008.1.2.4.50", Dcm.str(h, "TransferSyntaxUID"));
        assertEquals("Hamamatsu", Dcm.str(h, "Manufacturer"));
        assertEquals("C9600-12", Dcm.str(h, "ManufacturerModelName"));
        assertEquals("950291", Dcm.str(h, "DeviceSerialNumber"));
        assertEquals("20170207130643", Dcm.str(h, "AcquisitionDateTime"));
        assertEquals(3968, Dcm.lng(h, "TotalPixelMatrixColumns"));
        assertEquals(4864, Dcm.lng(h, "TotalPixelMatrixRows"));
        AttributeList op = Dcm.item(h, "OpticalPathSequence");
        assertTrue(Dcm.str(op, "OpticalPathDescription").startsWith("DAPI 2 (387)"), Dcm.str(op, "OpticalPathDescription"));
        assertEquals("111743", Dcm.str(Dcm.item(op, "IlluminationTypeCodeSequence"), "CodeValue"));
        assertEquals(387.0, Dcm.doubles(op, "IlluminationWaveLength")[0], 1e-6);
        assertEquals(40.0, Dcm.doubles(op, "ObjectiveLensPower")[0], 1e-6);
        double[] ps = Dcm.doubles(Dcm.item(Dcm.item(h, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence"), "PixelSpacing");
        assertEquals(10.0 / 43826, ps[0], 1e-9);
        assertEquals(10.0 / 43826, ps[1], 1e-9);
    }

    @Test
    void overviewIsTheMacroJpegByteForByte() throws Exception {
        byte[] macro = strip(TestSupport.testdata().resolve(NDPI), 4);
        AttributeList h = TestSupport.header(out.resolve("overview.dcm"));
        assertEquals("ORIGINAL\\PRIMARY\\OVERVIEW\\NONE", Dcm.str(h, "ImageType"));
        List<byte[]> frames = TestSupport.encapsulated(out.resolve("overview.dcm")).itemValues();
        assertEquals(1, frames.size());
        byte[] f = frames.get(0);
        byte[] unpadded = f.length == macro.length + 1 ? java.util.Arrays.copyOf(f, macro.length) : f;
        assertArrayEquals(macro, unpadded);
    }

    @Test
    void dciodvfyReportsNoErrors() throws Exception {
        assumeTrue(TestSupport.onPath("dciodvfy"), "dciodvfy not installed");
        for (ConversionResult.Instance i : result.instances()) {
            List<String> errors = TestSupport.dciodvfy(i.file()).stream().filter(l -> l.startsWith("Error")).toList();
            assertEquals(List.of(), errors, i.file().toString());
        }
    }

    /** A minimal one-strip NDPI-like TIFF around a JPEG (tags 65420/65421, no 65426: restart markers are scanned). */
    static Path ndpiLike(Path file, byte[] jpeg, int w, int h, int spp) throws Exception {
        int n = 11;
        int dataOff = 8 + 2 + n * 12 + 4;
        ByteBuffer b = ByteBuffer.allocate(dataOff + jpeg.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) n);
        entry(b, 256, 4, w);
        entry(b, 257, 4, h);
        entry(b, 258, 3, 8);
        entry(b, 259, 3, 7);
        entry(b, 262, 3, spp == 1 ? 1 : 6);
        entry(b, 273, 4, dataOff);
        entry(b, 277, 3, spp);
        entry(b, 278, 4, h);
        entry(b, 279, 4, jpeg.length);
        entry(b, 65420, 3, 1);
        b.putShort((short) 65421).putShort((short) 11).putInt(1).putFloat(20f);
        b.putInt(0);
        b.put(jpeg);
        Files.write(file, b.array());
        return file;
    }

    static void entry(ByteBuffer b, int tag, int type, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(1);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    static byte[] vipsJpeg(Path dir, int w, int h, int restartInterval) throws Exception {
        Path noise = dir.resolve("noise-" + restartInterval + ".v");
        Path jpg = dir.resolve("r" + restartInterval + ".jpg");
        assertEquals(0, TestSupport.run(List.of("vips", "gaussnoise", noise.toString(), "" + w, "" + h,
                "--mean", "128", "--sigma", "40")).exitCode());
        TestSupport.ProcResult r = TestSupport.run(List.of("vips", "jpegsave", noise.toString(), jpg.toString(),
                "--Q", "90", "--restart-interval", "" + restartInterval, "--subsample-mode", "off", "--strip"));
        assertEquals(0, r.exitCode(), r.output());
        return Files.readAllBytes(jpg);
    }

    /** Restart interval shorter than an MCU row: tiles are narrower than the image; grayscale gives MONOCHROME2. */
    @Test
    void intervalsWithinMcuRowsGiveNarrowTilesThatDecodeExactly() throws Exception {
        assumeTrue(TestSupport.onPath("vips"), "vips not installed");
        byte[] jpeg = vipsJpeg(tmp, 1280, 480, 16); // 160 MCUs per row, 10 intervals of 128 px per row
        Path in = ndpiLike(tmp.resolve("synthetic.ndpi"), jpeg, 1280, 480, 1);
        Path o = tmp.resolve("syn-out");
        ConversionResult r = Converter.convert(in, o, new SlideMetadata(), ConversionOptions.defaults());
        Path f = r.instances().get(0).file();
        AttributeList h = TestSupport.header(f);
        assertEquals("MONOCHROME2", Dcm.str(h, "PhotometricInterpretation"));
        assertEquals(1, Dcm.lng(h, "SamplesPerPixel"));
        int cols = (int) Dcm.lng(h, "Columns");
        int rows = (int) Dcm.lng(h, "Rows");
        assertTrue(cols < 1280 && cols % 128 == 0 && 1280 % cols == 0, "tile width " + cols);
        assertEquals(0, 480 % rows);
        Raster full = decodeRaster(jpeg);
        List<byte[]> frames = TestSupport.encapsulated(f).itemValues();
        int across = 1280 / cols;
        assertEquals(across * (480 / rows), frames.size());
        for (int t = 0; t < frames.size(); t++) {
            Raster tile = decodeRaster(frames.get(t));
            int x0 = (t % across) * cols;
            int y0 = (t / across) * rows;
            assertArrayEquals(full.getPixels(x0, y0, cols, rows, (int[]) null),
                    tile.getPixels(0, 0, cols, rows, (int[]) null), "tile " + t);
        }
        if (TestSupport.onPath("dciodvfy")) {
            assertEquals(List.of(), TestSupport.dciodvfy(f).stream().filter(l -> l.startsWith("Error")).toList());
        }
    }

    @Test
    void intervalsNotAligningWithMcuRowsAreRejectedClearly() throws Exception {
        assumeTrue(TestSupport.onPath("vips"), "vips not installed");
        byte[] jpeg = vipsJpeg(tmp, 640, 64, 7); // 80 MCUs per row, interval 7
        Path in = ndpiLike(tmp.resolve("misaligned.ndpi"), jpeg, 640, 64, 1);
        Path o = tmp.resolve("bad-out");
        SourceException e = assertThrows(SourceException.class,
                () -> Converter.convert(in, o, new SlideMetadata(), ConversionOptions.defaults()));
        assertTrue(e.getMessage().contains("cannot be tiled without re-encoding")
                && e.getMessage().contains("restart interval of 7 MCUs"), e.getMessage());
        NegativeInputTest.assertEmpty(o);
    }

    @Test
    void layoutRules() {
        // interval = one MCU row of 496 MCUs (the sample's level 0): full-width tiles, height a divisor of the rows
        RestartIntervalTiles.Layout a = RestartIntervalTiles.layout(8, 8, 496, 608, 496, 512 * 512);
        assertEquals(3968, a.tileWidth());
        assertEquals(0, 608 % (a.tileHeight() / 8));
        assertTrue((long) a.tileWidth() * a.tileHeight() <= 512 * 512);
        // interval of 2 MCU rows
        RestartIntervalTiles.Layout b = RestartIntervalTiles.layout(16, 16, 10, 40, 20, 512 * 512);
        assertEquals(160, b.tileWidth());
        assertEquals(0, b.tileHeight() % 32);
        // interval of 8 MCUs in rows of 64: 128-px wide runs, 4 per 512-px tile
        RestartIntervalTiles.Layout c = RestartIntervalTiles.layout(16, 16, 64, 64, 8, 512 * 512);
        assertEquals(512, c.tileWidth());
        assertEquals(512, c.tileHeight());
        assertThrows(IllegalArgumentException.class, () -> RestartIntervalTiles.layout(8, 8, 80, 8, 7, 512 * 512));
        assertThrows(IllegalArgumentException.class, () -> RestartIntervalTiles.layout(8, 8, 80, 8, 0, 512 * 512));
        assertThrows(IllegalArgumentException.class, () -> RestartIntervalTiles.layout(8, 8, 10, 7, 20, 512 * 512));
    }
}
