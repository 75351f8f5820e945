package org.wsiarchive.converter.source;

import java.io.IOException;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.RasterTiles;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;

/** One fluorescence channel plane (8 or 16 bits, losslessly compressed TIFF) as a MONOCHROME2 native tiled image. */
final class ChannelPlanes {
    private ChannelPlanes() {
    }

    static final int TILE = 512;

    static SlideImage plane(TiffDirectory d, String opticalPathId) throws IOException {
        int w = d.width();
        int h = d.height();
        byte[] plane = TiffImages.decodePlane(d);
        int bits = d.bitsPerSample();
        int tw = Math.min(TILE, w);
        int th = Math.min(TILE, h);
        return new SlideImage(ImageFlavor.VOLUME, w, h, tw, th, 1, "MONOCHROME2", PixelEncoding.NATIVE,
                new RasterTiles(plane, w, h, tw, th, bits / 8), Double.NaN, Double.NaN, false,
                "channel plane decoded (TIFF compression " + d.compression() + ", lossless) and stored uncompressed",
                opticalPathId, bits);
    }

    static double mppFromResolution(TiffDirectory d) throws IOException {
        double xres = d.doubleValue(org.wsiarchive.converter.tiff.TiffTags.X_RESOLUTION);
        long unit = d.longValue(org.wsiarchive.converter.tiff.TiffTags.RESOLUTION_UNIT, 2);
        if (!(xres > 0)) {
            return Double.NaN;
        }
        return unit == 3 ? 10000.0 / xres : unit == 2 ? 25400.0 / xres : Double.NaN;
    }
}
