package org.wsiarchive.core.render;

import java.util.Locale;
import java.util.Map;

/**
 * The rendering a client asked for (PS3.18 8.3.5 / 10.4.1.1.3): output type, viewport, quality, windowing and
 * colour management. Parsed from the query parameters by name; parameters this archive does not know are ignored,
 * known ones with an invalid value are refused with the reason.
 *
 * @param viewportWidth    0 when not given (then derived from the height and the aspect ratio, or the image size)
 * @param cropX            source region {@code sx,sy,sw,sh} in pixels of the image (total pixel matrix for a WSI);
 *                         cropWidth 0 means the whole image
 * @param quality          1..100, for JPEG
 * @param windowCenter     NaN when not given
 * @param iccProfile       what to do with colour: keep the stored colour space ({@code no}, the default), embed the
 *                         stored ICC profile ({@code yes}), or convert to sRGB ({@code srgb})
 */
public record RenderParameters(String mediaType, int viewportWidth, int viewportHeight, int cropX, int cropY,
                               int cropWidth, int cropHeight, int quality, double windowCenter, double windowWidth,
                               String windowFunction, Icc iccProfile) {

    public static final String JPEG = "image/jpeg";
    public static final String PNG = "image/png";
    /** Longest side of a rendition that asked for no viewport: larger images are scaled down to it. */
    public static final int DEFAULT_MAX_SIDE = 4096;
    /** Longest side of any rendition. */
    public static final int MAX_VIEWPORT = 8192;
    public static final int DEFAULT_QUALITY = 90;

    public enum Icc { NO, YES, SRGB }

    /**
     * @param query first value of each query parameter
     * @throws IllegalArgumentException with the reason, for a known parameter with an invalid value
     */
    public static RenderParameters parse(String mediaType, Map<String, String> query) {
        int vw = 0, vh = 0, sx = 0, sy = 0, sw = 0, sh = 0;
        String viewport = query.get("viewport");
        if (viewport != null && !viewport.isBlank()) {
            String[] v = viewport.split(",", -1);
            if (v.length != 2 && v.length != 6) {
                throw new IllegalArgumentException("viewport must be vw,vh or vw,vh,sx,sy,sw,sh; got '" + viewport + "'");
            }
            vw = nonNegative(v[0], "viewport width", true);
            vh = nonNegative(v[1], "viewport height", true);
            if (vw > MAX_VIEWPORT || vh > MAX_VIEWPORT) {
                throw new IllegalArgumentException("viewport larger than " + MAX_VIEWPORT + " pixels");
            }
            if (v.length == 6) {
                sx = nonNegative(v[2], "sx", false);
                sy = nonNegative(v[3], "sy", false);
                sw = nonNegative(v[4], "sw", false);
                sh = nonNegative(v[5], "sh", false);
                if (sw == 0 || sh == 0) throw new IllegalArgumentException("viewport region sw,sh must be positive");
            }
        }
        int quality = DEFAULT_QUALITY;
        String q = query.get("quality");
        if (q != null && !q.isBlank()) {
            quality = nonNegative(q, "quality", false);
            if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100; got " + q);
        }
        double center = Double.NaN, width = Double.NaN;
        String function = "linear";
        String window = query.get("window");
        if (window != null && !window.isBlank()) {
            String[] w = window.split(",");
            if (w.length < 2 || w.length > 3) {
                throw new IllegalArgumentException("window must be center,width[,function]; got '" + window + "'");
            }
            try {
                center = Double.parseDouble(w[0].trim());
                width = Double.parseDouble(w[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("window center and width must be numbers; got '" + window + "'");
            }
            if (!(width >= 1)) throw new IllegalArgumentException("window width must be at least 1; got " + w[1]);
            if (w.length == 3) {
                function = w[2].trim().toLowerCase(Locale.ROOT).replace('_', '-');
                if (!function.equals("linear") && !function.equals("linear-exact") && !function.equals("sigmoid")) {
                    throw new IllegalArgumentException("window function must be linear, linear-exact or sigmoid; got " + w[2]);
                }
            }
        }
        Icc icc = Icc.NO;
        String i = query.get("iccprofile");
        if (i != null && !i.isBlank()) {
            icc = switch (i.trim().toLowerCase(Locale.ROOT)) {
                case "no" -> Icc.NO;
                case "yes" -> Icc.YES;
                case "srgb" -> Icc.SRGB;
                default -> throw new IllegalArgumentException("iccprofile must be no, yes or srgb; got '" + i + "'");
            };
        }
        return new RenderParameters(mediaType, vw, vh, sx, sy, sw, sh, quality, center, width, function, icc);
    }

    public RenderParameters withDefaultViewport(int side) {
        if (viewportWidth > 0 || viewportHeight > 0) return this;
        return new RenderParameters(mediaType, side, side, cropX, cropY, cropWidth, cropHeight, quality, windowCenter,
                windowWidth, windowFunction, iccProfile);
    }

    private static int nonNegative(String s, String what, boolean emptyIsZero) {
        String t = s.trim();
        if (t.isEmpty() && emptyIsZero) return 0;
        try {
            int v = Integer.parseInt(t);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a non-negative integer; got '" + s + "'");
        }
    }
}
