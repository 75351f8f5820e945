package org.wsiarchive.converter.pyramid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.MemoryFrames;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.SlideImage;

class DownsampledBandTest {

    /**
     * A level wider than one band (more than {@link Downsampled#BAND_TILES} output tiles per row, odd width, a partial
     * last source tile): the tiles generated band by band for the whole level must be the tiles generated one by one
     * (each summed on its own), so band boundaries change nothing.
     */
    @Test
    void tilesGeneratedBandByBandEqualTilesGeneratedAlone(@TempDir Path work) throws Exception {
        int width = 8901, height = 300, tile = 256;
        int across = (width + tile - 1) / tile, down = (height + tile - 1) / tile;
        Random random = new Random(145);
        List<byte[]> frames = new ArrayList<>();
        for (int t = 0; t < across * down; t++) {
            byte[] px = new byte[tile * tile * 3];
            for (int i = 0; i < px.length; i++) px[i] = (byte) ((i / 3 % tile) + t * 7 + random.nextInt(40));
            frames.add(px);
        }
        SlideImage source = new SlideImage(ImageFlavor.VOLUME, width, height, tile, tile, 3, "RGB", PixelEncoding.NATIVE,
                new MemoryFrames(frames, true), 0.00025, 0.00025, false, "synthetic");
        SlideImage half = LowerLevels.halve(source, 0, 0.9f);
        assertEquals(4451, half.width());
        Downsampled generated = (Downsampled) half.frames();
        int outAcross = (half.width() + half.tileWidth() - 1) / half.tileWidth();
        assertTrue(outAcross > Downsampled.BAND_TILES, "wider than one band: " + outAcross);
        generated.prepare(work);
        for (int i = 0; i < generated.frameCount(); i++) {
            assertArrayEquals(generated.encodeFrame(i), generated.frameBytes(i), "tile " + i);
        }
        generated.release();
    }
}
