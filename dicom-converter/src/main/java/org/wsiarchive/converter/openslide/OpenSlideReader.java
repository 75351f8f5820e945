package org.wsiarchive.converter.openslide;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.wsiarchive.converter.jpeg.JpegEncoder;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.LossyCompression;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.ReencodedFrames;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.source.SourceException;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/**
 * Fallback reader for every format OpenSlide reads and our lossless readers do not (MIRAX, Leica SCN, Ventana BIF,
 * Hamamatsu VMS/VMU, Sakura, Trestle, Philips, ...): each tile is read with {@code openslide_read_region} and encoded
 * as baseline JPEG, so the output is lossy; the pyramid is OpenSlide's, tile by tile, never a whole level in memory.
 * Associated images "thumbnail", "macro" and "label" become THUMBNAIL, OVERVIEW and LABEL (one JPEG frame each).
 */
public final class OpenSlideReader {

    /** Formats OpenSlide 3.4.1 reads, for "supported formats" messages. */
    public static final String FORMATS = "via OpenSlide (decoded and re-encoded as lossy JPEG): MIRAX (.mrxs), "
            + "Leica SCN, Ventana BIF/TIFF, Hamamatsu VMS/VMU, Philips TIFF, Sakura SVSlide, Trestle TIFF, and "
            + "Aperio/Hamamatsu/generic TIFF variants the readers above reject";

    /** Tiles used when the level's own tiles are not a usable frame size (e.g. NDPI's 8-row strips). */
    static final int DEFAULT_TILE = 512;
    static final int MIN_TILE = 64;
    static final int MAX_TILE = 2048;
    /** Associated images larger than this are skipped (read in one piece). */
    static final long MAX_ASSOCIATED_PIXELS = 64L << 20;

    private OpenSlideReader() {
    }

    /** Opens {@code input} with OpenSlide; a file it does not recognise is a {@link SourceException}. */
    public static Slide read(Path input, float quality) throws IOException {
        String version = OpenSlide.version();
        OpenSlide os = OpenSlide.open(input);
        try {
            Map<String, String> props = os.properties();
            String vendor = props.getOrDefault("openslide.vendor", "unknown");
            int background = background(props.get("openslide.background-color"));
            List<LossyCompression> known = sourceCompression(input);
            List<LossyCompression> prior = known == null ? List.of() : known;
            String history = prior.isEmpty() ? "" : "; source " + prior.get(0).method() + " ratio " + prior.get(0).ratio();
            String derivation = "Decoded by OpenSlide " + version + " (" + vendor + ") and re-encoded as baseline JPEG, "
                    + "quality " + Math.round(quality * 100) + history;
            List<String> warnings = new ArrayList<>();
            warnings.add("read through OpenSlide " + version + " (" + vendor + "): pixels decoded and re-encoded as "
                    + "lossy JPEG (quality " + Math.round(quality * 100) + ")");
            if (known == null) {
                warnings.add("the compression of the source is unknown; the output records only the JPEG re-encoding "
                        + "in LossyImageCompressionMethod/Ratio");
            }

            List<SlideImage> levels = new ArrayList<>();
            int count = os.levelCount();
            for (int lv = 0; lv < count; lv++) {
                long[] dim = os.levelDimensions(lv);
                if (dim[0] > Integer.MAX_VALUE || dim[1] > Integer.MAX_VALUE || dim[0] <= 0 || dim[1] <= 0) {
                    throw new SourceException("OpenSlide level " + lv + " has an unsupported size " + dim[0] + "x" + dim[1]);
                }
                int tw = tileSize(props.get("openslide.level[" + lv + "].tile-width"));
                int th = tileSize(props.get("openslide.level[" + lv + "].tile-height"));
                if (tw == 0 || th == 0) {
                    tw = DEFAULT_TILE;
                    th = DEFAULT_TILE;
                }
                int w = (int) dim[0];
                int h = (int) dim[1];
                LevelTiles frames = new LevelTiles(os, lv, w, h, tw, th, background, quality, prior, derivation);
                levels.add(new SlideImage(ImageFlavor.VOLUME, w, h, tw, th, 3, "YBR_FULL_422",
                        PixelEncoding.JPEG_BASELINE, frames, Double.NaN, Double.NaN, false,
                        "OpenSlide level " + lv + " re-encoded as JPEG (lossy)"));
            }

            List<SlideImage> associated = new ArrayList<>();
            for (String name : os.associatedImageNames()) {
                ImageFlavor flavor = switch (name) {
                    case "thumbnail" -> ImageFlavor.THUMBNAIL;
                    case "macro" -> ImageFlavor.OVERVIEW;
                    case "label" -> ImageFlavor.LABEL;
                    default -> null;
                };
                long[] dim = os.associatedImageDimensions(name);
                if (flavor == null) {
                    warnings.add("skipped OpenSlide associated image \"" + name + "\" (no DICOM image flavor)");
                    continue;
                }
                if (dim[0] <= 0 || dim[1] <= 0 || dim[0] > 65535 || dim[1] > 65535 || dim[0] * dim[1] > MAX_ASSOCIATED_PIXELS) {
                    warnings.add("skipped OpenSlide associated image \"" + name + "\" of " + dim[0] + "x" + dim[1] + " pixels");
                    continue;
                }
                int w = (int) dim[0];
                int h = (int) dim[1];
                // the source compression of associated images is not known (OpenSlide does not say): no prior step
                AssociatedFrame frame = new AssociatedFrame(os, name, w, h, background, quality,
                        "Associated image \"" + name + "\" decoded by OpenSlide " + version + " and re-encoded as "
                                + "baseline JPEG, quality " + Math.round(quality * 100));
                associated.add(new SlideImage(flavor, w, h, w, h, 3, "YBR_FULL_422", PixelEncoding.JPEG_BASELINE,
                        frame, Double.NaN, Double.NaN, false, "OpenSlide associated image \"" + name + "\" re-encoded as JPEG (lossy)"));
            }

            double mppX = positive(props.get("openslide.mpp-x"));
            double mppY = positive(props.get("openslide.mpp-y"));
            return new Slide(vendor + " via OpenSlide " + version, levels, associated, mppX, mppY,
                    positive(props.get("openslide.objective-power")), null, manufacturer(vendor), null, null, null,
                    props, warnings, os);
        } catch (IOException | RuntimeException e) {
            os.close();
            throw e;
        }
    }

    static String manufacturer(String vendor) {
        return switch (vendor) {
            case "aperio" -> "Aperio";
            case "hamamatsu" -> "Hamamatsu";
            case "leica" -> "Leica";
            case "mirax" -> "3DHISTECH";
            case "philips" -> "Philips";
            case "sakura" -> "Sakura";
            case "trestle" -> "Trestle";
            case "ventana" -> "Ventana";
            default -> null;
        };
    }

    private static int tileSize(String v) {
        try {
            int t = v == null ? 0 : Integer.parseInt(v.trim());
            return t >= MIN_TILE && t <= MAX_TILE ? t : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double positive(String v) {
        try {
            double d = v == null ? Double.NaN : Double.parseDouble(v.trim());
            return d > 0 && Double.isFinite(d) ? d : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** openslide.background-color (RRGGBB) when the vendor gives one, else white (unscanned glass). */
    static int background(String hex) {
        if (hex != null && hex.matches("[0-9A-Fa-f]{6}")) {
            return Integer.parseInt(hex, 16);
        }
        return 0xFFFFFF;
    }

    /**
     * The lossy compression of a TIFF-based source, from its first directory: JPEG or JPEG 2000 with the ratio of
     * the directory's raw size to its compressed tile/strip bytes; empty for lossless TIFF compressions; null when
     * unknown: non-TIFF files (MIRAX, VMS: OpenSlide does not say how they are compressed).
     */
    static List<LossyCompression> sourceCompression(Path input) {
        try (TiffFile tiff = TiffFile.open(input)) {
            TiffDirectory d = tiff.directories().get(0);
            String method = switch (d.compression()) {
                case TiffTags.COMPRESSION_JPEG, TiffTags.COMPRESSION_OJPEG -> "ISO_10918_1";
                case TiffTags.COMPRESSION_APERIO_J2K_RGB, TiffTags.COMPRESSION_APERIO_J2K_YCBCR,
                     TiffTags.COMPRESSION_JPEG2000 -> "ISO_15444_1";
                default -> null;
            };
            if (method == null) {
                return List.of();
            }
            long bytes = 0;
            for (long c : d.segmentByteCounts()) {
                bytes += c;
            }
            return List.of(new LossyCompression(method,
                    LossyCompression.ratio((long) d.width() * d.height() * d.samplesPerPixel(), bytes)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Premultiplied ARGB composited over an opaque background: a premultiplied colour already carries its alpha, so
     * the background only adds its share (255 - alpha); fully transparent (unscanned) pixels become the background.
     */
    static BufferedImage composite(int[] argb, int width, int height, int background) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int br = (background >> 16) & 255;
        int bg = (background >> 8) & 255;
        int bb = background & 255;
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            if (a == 255) {
                dst[i] = p & 0xFFFFFF;
            } else {
                int t = 255 - a;
                int r = Math.min(255, ((p >> 16) & 255) + (br * t + 127) / 255);
                int g = Math.min(255, ((p >> 8) & 255) + (bg * t + 127) / 255);
                int b = Math.min(255, (p & 255) + (bb * t + 127) / 255);
                dst[i] = (r << 16) | (g << 8) | b;
            }
        }
        return img;
    }

    /** The tiles of one OpenSlide level, read region by region and JPEG-encoded. */
    static final class LevelTiles extends ReencodedFrames {
        private final OpenSlide os;
        private final int level;
        private final int tileWidth;
        private final int tileHeight;
        private final int across;
        private final int background;
        private final JpegEncoder encoder;

        LevelTiles(OpenSlide os, int level, int width, int height, int tileWidth, int tileHeight, int background,
                   float quality, List<LossyCompression> prior, String derivation) {
            super(((width + tileWidth - 1) / tileWidth) * ((height + tileHeight - 1) / tileHeight), () -> prior,
                    derivation);
            this.os = os;
            this.level = level;
            this.tileWidth = tileWidth;
            this.tileHeight = tileHeight;
            this.across = (width + tileWidth - 1) / tileWidth;
            this.background = background;
            this.encoder = new JpegEncoder(quality);
        }

        @Override
        protected synchronized byte[] encodeFrame(int index) throws IOException {
            long x = (long) (index % across) * tileWidth;
            long y = (long) (index / across) * tileHeight;
            int[] argb = os.readRegion(level, x, y, tileWidth, tileHeight);
            return encoder.encode(composite(argb, tileWidth, tileHeight, background));
        }
    }

    /** One associated image as a single JPEG frame. */
    static final class AssociatedFrame extends ReencodedFrames {
        private final OpenSlide os;
        private final String name;
        private final int width;
        private final int height;
        private final int background;
        private final float quality;

        AssociatedFrame(OpenSlide os, String name, int width, int height, int background, float quality,
                        String derivation) {
            super(1, List::of, derivation);
            this.os = os;
            this.name = name;
            this.width = width;
            this.height = height;
            this.background = background;
            this.quality = quality;
        }

        @Override
        protected byte[] encodeFrame(int index) throws IOException {
            try (JpegEncoder enc = new JpegEncoder(quality)) {
                return enc.encode(composite(os.readAssociatedImage(name, width, height), width, height, background));
            }
        }
    }
}
