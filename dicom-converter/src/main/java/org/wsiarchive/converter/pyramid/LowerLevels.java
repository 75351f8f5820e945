package org.wsiarchive.converter.pyramid;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.wsiarchive.converter.dicom.WsiInstanceWriter;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.source.SourceException;
import org.wsiarchive.converter.source.TiffImages;

/**
 * Completes a pyramid downwards: while the smallest level is longer than {@link #MAX_SIDE} px on its longer side,
 * a level of half its size (ceil) is generated from it by 2x2 box-filter averaging and baseline JPEG encoding. Each
 * generated level is produced from the one above it when it is prepared for writing, one output tile row at a time
 * (the source tiles intersecting that row are decoded one by one and summed into a band buffer), so memory is bounded
 * by one band of the generated level regardless of the slide size; the encoded tiles are spooled to disk.
 */
public final class LowerLevels {

    /** Generation stops at the first level whose longer side is at most this many pixels (thumbnail size). */
    public static final int MAX_SIDE = 512;
    /** Tile size of generated levels unless the source level has square tiles of 128..256 px (kept then). */
    static final int DEFAULT_TILE = 256;

    private LowerLevels() {
    }

    /**
     * The levels to add below {@code levels} (pyramid levels with their pixel spacing already set, largest first);
     * empty when the pyramid already reaches {@link #MAX_SIDE}, or when its levels cannot be decoded here (a warning
     * says why).
     */
    public static List<SlideImage> generate(List<SlideImage> levels, float quality, List<String> warnings) {
        List<SlideImage> out = new ArrayList<>();
        if (levels.isEmpty()) {
            return out;
        }
        SlideImage src = levels.get(levels.size() - 1);
        if (Math.max(src.width(), src.height()) <= MAX_SIDE) {
            return out;
        }
        long paths = levels.stream().map(l -> String.valueOf(l.opticalPathId())).distinct().count();
        String unsupported = paths > 1 ? "the slide has " + paths + " optical paths (channels)" : whyNotDecodable(src);
        if (unsupported != null) {
            warnings.add("lower pyramid levels not generated: " + unsupported);
            return out;
        }
        int number = levels.size() - 1;
        while (Math.max(src.width(), src.height()) > MAX_SIDE) {
            SlideImage gen = halve(src, number, quality);
            out.add(gen);
            src = gen;
            number++;
        }
        return out;
    }

    /** Null when {@code level}'s frames can be decoded here, else the reason. */
    static String whyNotDecodable(SlideImage level) {
        if (level.samplesPerPixel() != 1 && level.samplesPerPixel() != 3) {
            return level.samplesPerPixel() + " samples per pixel";
        }
        return switch (level.encoding()) {
            case JPEG_BASELINE, NATIVE -> null;
            case JPEG_2000 -> !ImageIO.getImageReadersByFormatName("jpeg2000").hasNext()
                    ? "no JPEG 2000 ImageIO decoder on the class path"
                    : "YBR_FULL".equals(level.photometric())
                    ? "JPEG 2000 tiles without a colour transform in YCbCr (Aperio 33003) are not decoded here"
                    : null;
        };
    }

    static SlideImage halve(SlideImage src, int srcNumber, float quality) {
        int w = (src.width() + 1) / 2;
        int h = (src.height() + 1) / 2;
        int tile = src.tileWidth() == src.tileHeight() && src.tileWidth() >= 128 && src.tileWidth() <= DEFAULT_TILE
                && src.tileWidth() % 2 == 0 ? src.tileWidth() : DEFAULT_TILE;
        int spp = src.samplesPerPixel();
        String derivation = "Generated from pyramid level " + srcNumber + " (" + src.width() + "x" + src.height()
                + ") by 2x2 box-filter downsampling and baseline JPEG encoding, quality " + Math.round(quality * 100);
        Downsampled frames = new Downsampled(src, w, h, tile, quality, derivation);
        // each generated pixel covers exactly 2x2 pixels of its source: the spacing doubles
        return new SlideImage(ImageFlavor.VOLUME, w, h, tile, tile, spp, spp == 3 ? "YBR_FULL_422" : "MONOCHROME2",
                PixelEncoding.JPEG_BASELINE, frames, src.pixelSpacingXmm() * 2, src.pixelSpacingYmm() * 2,
                src.spacingEstimated(), "generated from level " + srcNumber + " (2x2 box filter, JPEG, lossy)",
                src.opticalPathId());
    }

    /** Decodes one frame of {@code level} into interleaved 8-bit samples (tileWidth x tileHeight x spp). */
    static int[] decodeFrame(SlideImage level, int index, int[] reuse) throws IOException {
        int tw = level.tileWidth();
        int th = level.tileHeight();
        int spp = level.samplesPerPixel();
        int[] px = reuse != null && reuse.length == tw * th * spp ? reuse : new int[tw * th * spp];
        byte[] bytes = level.frames().frameBytes(index);
        if (level.encoding() == PixelEncoding.NATIVE) {
            if (bytes.length < px.length) {
                throw new SourceException("native frame " + index + " has " + bytes.length + " bytes, expected " + px.length);
            }
            for (int i = 0; i < px.length; i++) {
                px[i] = bytes[i] & 0xFF;
            }
            return px;
        }
        BufferedImage img;
        try {
            img = level.encoding() == PixelEncoding.JPEG_BASELINE ? TiffImages.decodeJpeg(bytes) : TiffImages.decode(bytes, "jpeg2000");
        } catch (IOException | RuntimeException e) {
            throw new SourceException("cannot decode tile " + index + " to generate a lower level: " + e.getMessage(), e);
        }
        int w = Math.min(tw, img.getWidth());
        int h = Math.min(th, img.getHeight());
        java.util.Arrays.fill(px, 0);
        if (img.getRaster().getNumBands() == spp) {
            // band order of the decoded raster is the colour model's: R, G, B (or gray)
            int[] row = new int[w * spp];
            for (int y = 0; y < h; y++) {
                img.getRaster().getPixels(0, y, w, 1, row);
                System.arraycopy(row, 0, px, y * tw * spp, w * spp);
            }
        } else if (spp == 3) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = (y * tw + x) * 3;
                    px[p] = (row[x] >> 16) & 255;
                    px[p + 1] = (row[x] >> 8) & 255;
                    px[p + 2] = row[x] & 255;
                }
            }
        } else {
            throw new SourceException("tile " + index + " decodes to " + img.getRaster().getNumBands()
                    + " bands, expected " + spp);
        }
        return px;
    }
}
