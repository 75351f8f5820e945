package org.wsiarchive.converter.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/**
 * Generic tiled pyramidal TIFF (e.g. libvips {@code tiffsave --tile --pyramid}): the first directory is level 0,
 * every further tiled directory (in the main chain or in SubIFDs) that is smaller with about the same aspect ratio
 * is a lower level. Resolution comes from XResolution/YResolution when the unit is centimetre or inch.
 */
public final class GenericTiffReader implements SlideReader {

    @Override
    public String formatName() {
        return "generic tiled pyramidal TIFF/BigTIFF (JPEG or JPEG 2000 tiles)";
    }

    @Override
    public boolean accepts(TiffFile tiff) {
        return tiff.directories().get(0).isTiled();
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        List<TiffDirectory> dirs = tiff.directories();
        TiffDirectory d0 = dirs.get(0);
        int w0 = d0.width();
        int h0 = d0.height();
        List<SlideImage> levels = new ArrayList<>();
        levels.add(TiffImages.tiled(d0, ImageFlavor.VOLUME));
        List<String> warnings = new ArrayList<>();
        int lastWidth = w0;
        for (TiffDirectory d : dirs.subList(1, dirs.size())) {
            if (!d.isTiled()) {
                warnings.add("skipped non-tiled TIFF directory " + d.index());
                continue;
            }
            int w = d.width();
            int h = d.height();
            double ax = (double) w0 / w;
            double ay = (double) h0 / h;
            if (w < lastWidth && Math.abs(ax - ay) / ax < 0.05 + 2.0 / Math.min(w, h)) {
                levels.add(TiffImages.tiled(d, ImageFlavor.VOLUME));
                lastWidth = w;
            } else {
                warnings.add("skipped TIFF directory " + d.index() + " (not a pyramid level)");
            }
        }
        double mppX = mpp(d0, TiffTags.X_RESOLUTION);
        double mppY = mpp(d0, TiffTags.Y_RESOLUTION);
        Map<String, String> props = new LinkedHashMap<>();
        String sw = d0.string(TiffTags.SOFTWARE);
        if (sw != null) {
            props.put("SoftwareVersions", sw);
        }
        return new Slide("Generic tiled TIFF", levels, List.of(), mppX, Double.isNaN(mppY) ? mppX : mppY, Double.NaN,
                d0.bytes(TiffTags.ICC_PROFILE), null, null, null, null, props, warnings, tiff);
    }

    /** Microns per pixel from a resolution tag (pixels per unit), NaN when the unit is not physical. */
    static double mpp(TiffDirectory d, int tag) throws IOException {
        double res = d.doubleValue(tag);
        long unit = d.longValue(TiffTags.RESOLUTION_UNIT, 2);
        if (!(res > 0) || !Double.isFinite(res)) {
            return Double.NaN;
        }
        double v = switch ((int) unit) {
            case 2 -> 25400.0 / res;
            case 3 -> 10000.0 / res;
            default -> Double.NaN;
        };
        // 72 / 96 dpi and similar screen defaults are not a microscope calibration
        return v > 100 ? Double.NaN : v;
    }
}
