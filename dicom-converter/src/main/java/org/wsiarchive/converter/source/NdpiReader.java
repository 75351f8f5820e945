package org.wsiarchive.converter.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wsiarchive.converter.jpeg.JpegStreams;
import org.wsiarchive.converter.jpeg.RestartIntervalTiles;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.MemoryFrames;
import org.wsiarchive.converter.model.OpticalPath;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/**
 * Hamamatsu NDPI: every pyramid level is one JPEG strip (the whole level as a single baseline scan with restart
 * markers). Levels are cut into tiles at restart-interval boundaries by {@link RestartIntervalTiles}, without
 * re-encoding. NDPI private tags used: 65420 (file format marker), 65421 (source lens: magnification of the level,
 * -1 macro, -2 map), 65424 (z offset: focal plane), 65426 (offsets of the restart intervals in the strip), 65434
 * (channel / filter name of fluorescence scans), 65449 (scanner properties, key=value lines).
 */
public final class NdpiReader implements SlideReader {

    static final int NDPI_FORMAT_FLAG = 65420;
    static final int NDPI_SOURCE_LENS = 65421;
    static final int NDPI_Z_OFFSET = 65424;
    static final int NDPI_MCU_STARTS = 65426;
    static final int NDPI_CHANNEL = 65434;
    static final int NDPI_PROPERTIES = 65449;
    static final int TIFF_MAKE = 271;
    static final int TIFF_MODEL = 272;
    static final int TIFF_DATETIME = 306;

    /** Tiles are chosen as large as the interval grid allows up to about this many pixels (512 x 512). */
    static final long TARGET_TILE_PIXELS = 512L * 512;

    @Override
    public String formatName() {
        return "Hamamatsu NDPI (JPEG levels with restart markers)";
    }

    @Override
    public boolean accepts(TiffFile tiff) {
        TiffDirectory d0 = tiff.directories().get(0);
        return d0.has(NDPI_FORMAT_FLAG) && d0.has(NDPI_SOURCE_LENS);
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        List<TiffDirectory> dirs = tiff.directories();
        TiffDirectory d0 = dirs.get(0);
        List<String> warnings = new ArrayList<>();
        List<TiffDirectory> levelDirs = new ArrayList<>();
        List<SlideImage> associated = new ArrayList<>();
        for (TiffDirectory d : dirs) {
            double lens = d.doubleValue(NDPI_SOURCE_LENS);
            if (lens > 0) {
                long z = d.longValue(NDPI_Z_OFFSET, 0);
                if (z != 0) {
                    warnings.add("skipped focal plane z=" + z + " nm (TIFF directory " + d.index() + "): only the "
                            + "nominal focal plane is converted");
                } else {
                    levelDirs.add(d);
                }
            } else if (lens == -1) {
                associated.add(macro(d));
            } else {
                warnings.add("skipped TIFF directory " + d.index() + " (" + d + (lens == -2 ? ", NDPI map" : "") + ")");
            }
        }
        levelDirs.sort(Comparator.comparingInt((TiffDirectory d) -> {
            try {
                return d.width();
            } catch (IOException e) {
                return 0;
            }
        }).reversed());
        if (levelDirs.isEmpty()) {
            throw new SourceException("NDPI file without any pyramid level");
        }
        List<SlideImage> levels = new ArrayList<>();
        for (TiffDirectory d : levelDirs) {
            levels.add(level(d));
        }

        Map<String, String> props = new LinkedHashMap<>();
        String text = d0.string(NDPI_PROPERTIES);
        if (text != null) {
            for (String line : text.split("[\\r\\n]+")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    props.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        }
        String software = d0.string(TiffTags.SOFTWARE);
        if (software != null) {
            props.put("SoftwareVersions", software.trim());
        }
        double mpp = Double.NaN;
        double xres = d0.doubleValue(TiffTags.X_RESOLUTION);
        long unit = d0.longValue(TiffTags.RESOLUTION_UNIT, 2);
        if (xres > 0) {
            mpp = unit == 3 ? 10000.0 / xres : unit == 2 ? 25400.0 / xres : Double.NaN;
        }
        double mppY = mpp;
        double yres = d0.doubleValue(TiffTags.Y_RESOLUTION);
        if (yres > 0 && !Double.isNaN(mpp)) {
            mppY = unit == 3 ? 10000.0 / yres : 25400.0 / yres;
        }
        String channel = d0.string(NDPI_CHANNEL);
        channel = channel == null ? null : channel.trim();
        double excitation = number(text, "ExcitationWaveLength=(\\d+(?:\\.\\d+)?)");
        double emission = number(text, "EmissionWaveLength=(\\d+(?:\\.\\d+)?)");
        List<OpticalPath> paths;
        if ((channel != null && !channel.isEmpty()) || !Double.isNaN(excitation)) {
            String desc = (channel != null && !channel.isEmpty() ? channel : "Fluorescence")
                    + (!Double.isNaN(excitation) ? "; excitation " + fmt(excitation) + " nm" : "")
                    + (!Double.isNaN(emission) ? "; emission " + fmt(emission) + " nm" : "");
            paths = List.of(new OpticalPath("1", desc, true, excitation, emission));
        } else {
            paths = List.of(OpticalPath.BRIGHTFIELD);
        }
        String model = d0.string(TIFF_MODEL);
        String make = d0.string(TIFF_MAKE);
        return new Slide("Hamamatsu NDPI", levels, associated, mpp, mppY, d0.doubleValue(NDPI_SOURCE_LENS), null,
                make != null && !make.isBlank() ? make.trim() : "Hamamatsu", model == null ? null : model.trim(),
                props.get("NDP.S/N"), tiffDateTime(d0.string(TIFF_DATETIME)), props, warnings, tiff, paths);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static double number(String text, String regex) {
        if (text == null) {
            return Double.NaN;
        }
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** "2017:02:07 13:06:43" -> "20170207130643". */
    static String tiffDateTime(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = Pattern.compile("(\\d{4}):(\\d{2}):(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})").matcher(s.trim());
        return m.matches() ? m.group(1) + m.group(2) + m.group(3) + m.group(4) + m.group(5) + m.group(6) : null;
    }

    /** One pyramid level: the single JPEG strip cut into tiles at restart markers. */
    static SlideImage level(TiffDirectory d) throws IOException {
        if (d.compression() != TiffTags.COMPRESSION_JPEG) {
            throw new SourceException("NDPI level in TIFF directory " + d.index() + " has compression "
                    + d.compression() + " (only JPEG levels are supported)");
        }
        d.validateSegments();
        long[] off = d.segmentOffsets();
        long[] cnt = d.segmentByteCounts();
        if (off.length != 1 || d.isTiled()) {
            throw new SourceException("NDPI level in TIFF directory " + d.index() + " is not a single JPEG strip");
        }
        TiffFile f = d.file();
        long stripOff = off[0];
        long stripLen = cnt[0];
        byte[] head = f.readBytes(stripOff, (int) Math.min(stripLen, 1 << 16));
        JpegStreams.Header hd;
        JpegStreams.FrameInfo fi;
        try {
            hd = JpegStreams.parseHeader(head);
            fi = JpegStreams.frameInfo(head, hd);
        } catch (IllegalArgumentException e) {
            throw new SourceException("corrupt JPEG header in NDPI level (TIFF directory " + d.index() + "): "
                    + e.getMessage(), e);
        }
        if (hd.entropyStart() < 0) {
            throw new SourceException("NDPI level in TIFF directory " + d.index() + ": no SOS in the first 64 KiB");
        }
        if (fi.sofMarker() != 0xC0) {
            throw new SourceException("NDPI level in TIFF directory " + d.index() + " is not baseline JPEG (SOF 0x"
                    + Integer.toHexString(fi.sofMarker()) + ")");
        }
        int w = d.width();
        int h = d.height();
        if (fi.width() != w || fi.height() != h) {
            throw new SourceException("NDPI level in TIFF directory " + d.index() + ": JPEG size " + fi.width() + "x"
                    + fi.height() + " differs from the TIFF size " + w + "x" + h
                    + " (levels beyond 65535 pixels are not supported yet)");
        }
        JpegStreams.Segment dri = hd.find(0xDD);
        int interval = dri == null ? 0 : ((head[dri.offset() + 4] & 0xFF) << 8) | (head[dri.offset() + 5] & 0xFF);
        int mcuW = 8 * fi.maxH();
        int mcuH = 8 * fi.maxV();
        int perRow = (w + mcuW - 1) / mcuW;
        int rows = (h + mcuH - 1) / mcuH;
        RestartIntervalTiles.Layout layout;
        try {
            layout = RestartIntervalTiles.layout(mcuW, mcuH, perRow, rows, interval, TARGET_TILE_PIXELS);
        } catch (IllegalArgumentException e) {
            throw new SourceException("NDPI level in TIFF directory " + d.index() + " (" + w + "x" + h
                    + ") cannot be tiled without re-encoding: " + e.getMessage(), e);
        }
        long totalMcus = (long) perRow * rows;
        int segments = (int) ((totalMcus + interval - 1) / interval);
        long[] starts = intervalStarts(d, stripOff, stripLen, hd.entropyStart(), segments);
        long end = eoiPosition(f, stripOff, stripLen);
        long[] lengths = new long[segments];
        for (int i = 0; i < segments; i++) {
            long e = i + 1 < segments ? starts[i + 1] - 2 : end;
            lengths[i] = e - starts[i];
            if (lengths[i] <= 0) {
                throw new SourceException("NDPI level in TIFF directory " + d.index() + ": empty restart interval " + i);
            }
        }
        byte[] header = java.util.Arrays.copyOf(head, hd.entropyStart());
        RestartIntervalTiles frames = new RestartIntervalTiles(f, header, layout, starts, lengths);
        int spp = fi.componentIds().length;
        String photometric = spp == 1 ? "MONOCHROME2" : TiffImages.jpegPhotometric(
                d.photometric() == TiffTags.PHOTOMETRIC_RGB ? TiffTags.PHOTOMETRIC_RGB : TiffTags.PHOTOMETRIC_YCBCR, spp, fi);
        return new SlideImage(ImageFlavor.VOLUME, w, h, layout.tileWidth(), layout.tileHeight(), spp, photometric,
                PixelEncoding.JPEG_BASELINE, frames, Double.NaN, Double.NaN, false,
                "JPEG strip split at restart markers into " + layout.tileWidth() + "x" + layout.tileHeight()
                        + " tiles (no re-encoding)");
    }

    /**
     * File positions of the entropy-coded data of every restart interval: from NDPI tag 65426 when it is present and
     * consistent (each listed offset follows the expected RSTn marker), otherwise by scanning the strip.
     */
    static long[] intervalStarts(TiffDirectory d, long stripOff, long stripLen, int entropyStart, int segments)
            throws IOException {
        TiffFile f = d.file();
        long[] tag = d.longs(NDPI_MCU_STARTS);
        if (tag != null && tag.length == segments && tag[0] == entropyStart) {
            long[] starts = new long[segments];
            boolean ok = true;
            for (int i = 0; i < segments && ok; i++) {
                starts[i] = stripOff + tag[i];
                if (i > 0) {
                    if (tag[i] <= tag[i - 1] || tag[i] >= stripLen) {
                        ok = false;
                        break;
                    }
                    byte[] m = f.readBytes(starts[i] - 2, 2);
                    ok = (m[0] & 0xFF) == 0xFF && (m[1] & 0xFF) == 0xD0 + ((i - 1) & 7);
                }
            }
            if (ok) {
                return starts;
            }
        }
        return scanRestartMarkers(f, stripOff, stripLen, entropyStart, segments, d.index());
    }

    /** Finds the RSTn markers of a scan by reading the strip sequentially (1 MiB positional reads). */
    static long[] scanRestartMarkers(TiffFile f, long stripOff, long stripLen, int entropyStart, int segments,
                                     int dirIndex) throws IOException {
        long[] starts = new long[segments];
        starts[0] = stripOff + entropyStart;
        int found = 1;
        long pos = stripOff + entropyStart;
        long end = stripOff + stripLen;
        boolean prevFF = false;
        int expect = 0;
        while (pos < end) {
            int n = (int) Math.min(1 << 20, end - pos);
            byte[] b = f.readBytes(pos, n);
            for (int i = 0; i < n; i++) {
                int v = b[i] & 0xFF;
                if (prevFF) {
                    if (v >= 0xD0 && v <= 0xD7) {
                        if (v != 0xD0 + expect || found >= segments) {
                            throw new SourceException("NDPI level in TIFF directory " + dirIndex
                                    + ": unexpected restart marker RST" + (v - 0xD0) + " at " + (pos + i - 1));
                        }
                        starts[found++] = pos + i + 1;
                        expect = (expect + 1) & 7;
                    }
                    prevFF = v == 0xFF;
                } else {
                    prevFF = v == 0xFF;
                }
            }
            pos += n;
        }
        if (found != segments) {
            throw new SourceException("NDPI level in TIFF directory " + dirIndex + ": found " + found
                    + " restart intervals, expected " + segments);
        }
        return starts;
    }

    /** Position of the EOI marker at the end of the strip. */
    static long eoiPosition(TiffFile f, long stripOff, long stripLen) throws IOException {
        int n = (int) Math.min(stripLen, 64);
        byte[] tail = f.readBytes(stripOff + stripLen - n, n);
        for (int i = n - 2; i >= 0; i--) {
            if ((tail[i] & 0xFF) == 0xFF && (tail[i + 1] & 0xFF) == 0xD9) {
                return stripOff + stripLen - n + i;
            }
        }
        throw new SourceException("NDPI JPEG strip at " + stripOff + " does not end with EOI");
    }

    /** The macro (overview) image: a complete JPEG strip, stored as one frame. */
    static SlideImage macro(TiffDirectory d) throws IOException {
        d.validateSegments();
        long[] off = d.segmentOffsets();
        long[] cnt = d.segmentByteCounts();
        if (d.compression() == TiffTags.COMPRESSION_JPEG && off.length == 1 && cnt[0] < (64L << 20)) {
            byte[] jpeg = d.file().readBytes(off[0], (int) cnt[0]);
            try {
                JpegStreams.Header hd = JpegStreams.parseHeader(jpeg);
                JpegStreams.FrameInfo fi = JpegStreams.frameInfo(jpeg, hd);
                if (fi.sofMarker() == 0xC0 && fi.width() == d.width() && fi.height() == d.height()) {
                    int spp = fi.componentIds().length;
                    String photometric = spp == 1 ? "MONOCHROME2" : TiffImages.jpegPhotometric(
                            d.photometric() == TiffTags.PHOTOMETRIC_RGB ? TiffTags.PHOTOMETRIC_RGB
                                    : TiffTags.PHOTOMETRIC_YCBCR, spp, fi);
                    return new SlideImage(ImageFlavor.OVERVIEW, d.width(), d.height(), d.width(), d.height(), spp,
                            photometric, PixelEncoding.JPEG_BASELINE, new MemoryFrames(List.of(jpeg), true),
                            Double.NaN, Double.NaN, false, "macro JPEG copied");
                }
            } catch (IllegalArgumentException e) {
                // fall through to decoding
            }
        }
        return TiffImages.decodedNative(d, ImageFlavor.OVERVIEW);
    }
}
