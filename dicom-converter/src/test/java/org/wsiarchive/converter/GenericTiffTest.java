package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;

/** Generic tiled pyramidal TIFF / BigTIFF made with libvips from the CMU sample. */
class GenericTiffTest {

    @TempDir
    Path tmp;

    Path makePyramid(boolean bigTiff) throws Exception {
        assumeTrue(TestSupport.onPath("vips"), "vips not installed: generic TIFF sample cannot be made");
        Path tif = tmp.resolve(bigTiff ? "pyramid-big.tif" : "pyramid.tif");
        List<String> cmd = new ArrayList<>(List.of("vips", "tiffsave", TestSupport.svs("CMU-1-Small-Region.svs").toString(),
                tif.toString(), "--tile", "--pyramid", "--compression", "jpeg", "--Q", "85",
                "--tile-width", "256", "--tile-height", "256", "--xres", "2000", "--yres", "2000"));
        if (bigTiff) {
            cmd.add("--bigtiff");
        }
        TestSupport.ProcResult r = TestSupport.run(cmd);
        assertEquals(0, r.exitCode(), r.output());
        return tif;
    }

    @Test
    void tiledPyramidalTiffConvertsWithAllLevels() throws Exception {
        Path tif = makePyramid(false);
        Path out = tmp.resolve("out");
        ConversionResult result = Converter.convert(tif, out, new SlideMetadata(), ConversionOptions.defaults());
        assertEquals("Generic tiled TIFF", result.sourceFormat());
        assertEquals(5, result.instances().size(), result.summary());
        assertEquals(0.5, result.mpp(), 1e-9, "2000 pixels/mm from the resolution tags");
        for (ConversionResult.Instance i : result.instances()) {
            AttributeList l = TestSupport.header(i.file());
            assertEquals("YBR_FULL_422", Dcm.str(l, "PhotometricInterpretation"), "libvips writes YCbCr JPEG");
            TestSupport.Encapsulated enc = TestSupport.encapsulated(i.file());
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(enc.itemValues().get(0)));
            assertEquals(256, img.getWidth());
            if (TestSupport.onPath("dciodvfy")) {
                List<String> errors = TestSupport.dciodvfy(i.file()).stream().filter(s -> s.startsWith("Error")).toList();
                assertEquals(List.of(), errors, i.file().getFileName().toString());
            }
        }
    }

    @Test
    void bigTiffDirectoriesMatchClassicTiff() throws Exception {
        Path classic = makePyramid(false);
        Path big = makePyramid(true);
        try (TiffFile a = TiffFile.open(classic); TiffFile b = TiffFile.open(big)) {
            assertTrue(b.isBigTiff());
            assertEquals(a.directories().size(), b.directories().size());
            for (int i = 0; i < a.directories().size(); i++) {
                TiffDirectory da = a.directories().get(i);
                TiffDirectory db = b.directories().get(i);
                assertEquals(da.width(), db.width());
                assertEquals(da.height(), db.height());
                assertArrayEquals(da.segmentByteCounts(), db.segmentByteCounts());
                long[] oa = da.segmentOffsets();
                long[] ob = db.segmentOffsets();
                for (int t = 0; t < oa.length; t += 7) {
                    assertArrayEquals(a.readBytes(oa[t], (int) da.segmentByteCounts()[t]),
                            b.readBytes(ob[t], (int) db.segmentByteCounts()[t]), "tile " + t);
                }
            }
        }
    }
}
