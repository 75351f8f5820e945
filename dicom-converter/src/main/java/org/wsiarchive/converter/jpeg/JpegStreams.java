package org.wsiarchive.converter.jpeg;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Marker-level JPEG helpers (no entropy decoding): splice TIFF JPEGTables into abbreviated tile streams, detect
 * colour signalling, and join JPEG strips into one interchange stream with restart markers.
 */
public final class JpegStreams {
    private JpegStreams() {
    }

    /**
     * Adobe APP14 segment with transform flag 0: tells decoders (libjpeg and friends) that three-component data is
     * RGB, not YCbCr. Aperio RGB tiles carry neither JFIF nor Adobe markers and component ids 0,1,2, which libjpeg
     * would otherwise treat as YCbCr.
     */
    public static final byte[] ADOBE_APP14_RGB = {
            (byte) 0xFF, (byte) 0xEE, 0x00, 0x0E, 'A', 'd', 'o', 'b', 'e', 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00};

    /** A marker segment: marker byte (after 0xFF), start offset of the 0xFF, total length including marker. */
    public record Segment(int marker, int offset, int length) {
    }

    /** Header of a JPEG stream up to and including SOS. */
    public record Header(List<Segment> segments, int entropyStart) {
        public Segment find(int marker) {
            for (Segment s : segments) {
                if (s.marker == marker) {
                    return s;
                }
            }
            return null;
        }
    }

    public static boolean startsWithSoi(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    }

    /**
     * Parses marker segments from SOI to SOS (or to EOI for a tables-only stream).
     *
     * @throws IllegalArgumentException if the stream is not a JPEG or is truncated
     */
    public static Header parseHeader(byte[] b) {
        if (!startsWithSoi(b)) {
            throw new IllegalArgumentException("not a JPEG stream (no SOI marker)");
        }
        List<Segment> segs = new ArrayList<>();
        int p = 2;
        while (p < b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                throw new IllegalArgumentException("JPEG marker expected at offset " + p);
            }
            int start = p;
            while (p < b.length && (b[p] & 0xFF) == 0xFF) {
                p++;
            }
            if (p >= b.length) {
                break;
            }
            int marker = b[p++] & 0xFF;
            if (marker == 0xD9) {
                segs.add(new Segment(marker, start, p - start));
                return new Header(segs, -1);
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                segs.add(new Segment(marker, start, p - start));
                continue;
            }
            if (p + 2 > b.length) {
                break;
            }
            int len = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            if (len < 2 || p + len > b.length) {
                throw new IllegalArgumentException("truncated JPEG marker segment 0xFF" + Integer.toHexString(marker));
            }
            p += len;
            segs.add(new Segment(marker, start, p - start));
            if (marker == 0xDA) {
                return new Header(segs, p);
            }
        }
        throw new IllegalArgumentException("truncated JPEG header (no SOS)");
    }

    /** Bytes of a tables-only stream (JPEGTables) between SOI and EOI. */
    public static byte[] tablesBody(byte[] jpegTables) {
        if (jpegTables == null || jpegTables.length < 4) {
            return new byte[0];
        }
        if (!startsWithSoi(jpegTables)) {
            throw new IllegalArgumentException("JPEGTables does not start with SOI");
        }
        int end = jpegTables.length;
        if ((jpegTables[end - 2] & 0xFF) == 0xFF && (jpegTables[end - 1] & 0xFF) == 0xD9) {
            end -= 2;
        }
        return Arrays.copyOfRange(jpegTables, 2, end);
    }

    /**
     * Bytes written in front of an abbreviated tile stream (whose own SOI is dropped): SOI, optionally the Adobe
     * RGB marker, and the shared tables.
     */
    public static byte[] framePrefix(byte[] jpegTables, boolean adobeRgb) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        if (adobeRgb) {
            out.writeBytes(ADOBE_APP14_RGB);
        }
        out.writeBytes(tablesBody(jpegTables));
        return out.toByteArray();
    }

    /** Frame header information from SOF. */
    public record FrameInfo(int sofMarker, int width, int height, int[] componentIds, int maxH, int maxV,
                            boolean subsampled) {
        public boolean rgbComponentIds() {
            return componentIds.length == 3 && componentIds[0] == 'R' && componentIds[1] == 'G' && componentIds[2] == 'B';
        }
    }

    public static FrameInfo frameInfo(byte[] b, Header h) {
        for (Segment s : h.segments()) {
            int m = s.marker();
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                int p = s.offset() + 4;
                int height = ((b[p + 1] & 0xFF) << 8) | (b[p + 2] & 0xFF);
                int width = ((b[p + 3] & 0xFF) << 8) | (b[p + 4] & 0xFF);
                int nc = b[p + 5] & 0xFF;
                int[] ids = new int[nc];
                int maxH = 1;
                int maxV = 1;
                int minH = 4;
                int minV = 4;
                for (int c = 0; c < nc; c++) {
                    ids[c] = b[p + 6 + 3 * c] & 0xFF;
                    int hv = b[p + 7 + 3 * c] & 0xFF;
                    maxH = Math.max(maxH, hv >> 4);
                    maxV = Math.max(maxV, hv & 15);
                    minH = Math.min(minH, hv >> 4);
                    minV = Math.min(minV, hv & 15);
                }
                return new FrameInfo(m, width, height, ids, maxH, maxV, maxH != minH || maxV != minV);
            }
        }
        throw new IllegalArgumentException("JPEG stream has no SOF marker");
    }

    public static boolean hasAdobeMarker(byte[] b, Header h) {
        for (Segment s : h.segments()) {
            if (s.marker() == 0xEE && s.length() >= 9 && b[s.offset() + 4] == 'A' && b[s.offset() + 5] == 'd') {
                return true;
            }
        }
        return false;
    }

    /**
     * Joins the JPEG strips of a TIFF image into one baseline JPEG without re-encoding: each strip's entropy-coded
     * segment becomes one restart interval (DRI = MCUs per strip, RSTn between strips). Possible only when every
     * strip holds a whole number of MCU rows, has no restart markers of its own and shares one set of header
     * segments. Returns null when these conditions do not hold (the caller then decodes instead).
     */
    public static byte[] joinStrips(byte[] jpegTables, List<byte[]> strips, int width, int height, int rowsPerStrip,
                                    boolean adobeRgb) {
        if (strips.isEmpty()) {
            return null;
        }
        try {
            byte[] first = strips.get(0);
            Header h0 = parseHeader(first);
            FrameInfo f0 = frameInfo(first, h0);
            if (f0.sofMarker() != 0xC0 || f0.width() != width || h0.find(0xDD) != null) {
                return null;
            }
            int mcuW = 8 * f0.maxH();
            int mcuH = 8 * f0.maxV();
            if (strips.size() > 1 && rowsPerStrip % mcuH != 0) {
                return null;
            }
            long interval = (long) ((width + mcuW - 1) / mcuW) * (rowsPerStrip / Math.max(1, mcuH));
            if (strips.size() > 1 && (interval <= 0 || interval > 0xFFFF)) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0xFF);
            out.write(0xD8);
            if (adobeRgb && !hasAdobeMarker(first, h0)) {
                out.writeBytes(ADOBE_APP14_RGB);
            }
            out.writeBytes(tablesBody(jpegTables));
            byte[] commonSegments = null;
            byte[] sos = null;
            for (int i = 0; i < strips.size(); i++) {
                byte[] s = strips.get(i);
                Header h = parseHeader(s);
                FrameInfo f = frameInfo(s, h);
                int expectH = Math.min(rowsPerStrip, height - i * rowsPerStrip);
                if (f.width() != width || f.height() != expectH || h.find(0xDD) != null || h.entropyStart() < 0) {
                    return null;
                }
                ByteArrayOutputStream segs = new ByteArrayOutputStream();
                byte[] thisSos = null;
                for (Segment seg : h.segments()) {
                    int m = seg.marker();
                    if (m == 0xD8 || m == f.sofMarker()) {
                        continue;
                    }
                    if (m == 0xDA) {
                        thisSos = Arrays.copyOfRange(s, seg.offset(), seg.offset() + seg.length());
                    } else {
                        segs.write(s, seg.offset(), seg.length());
                    }
                }
                if (i == 0) {
                    commonSegments = segs.toByteArray();
                    sos = thisSos;
                    out.writeBytes(commonSegments);
                    Segment sof = h.find(f.sofMarker());
                    byte[] sofBytes = Arrays.copyOfRange(s, sof.offset(), sof.offset() + sof.length());
                    sofBytes[5] = (byte) (height >> 8);
                    sofBytes[6] = (byte) height;
                    out.writeBytes(sofBytes);
                    if (strips.size() > 1) {
                        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0x00, 0x04,
                                (byte) (interval >> 8), (byte) interval});
                    }
                    out.writeBytes(sos);
                } else {
                    if (!Arrays.equals(commonSegments, segs.toByteArray()) || !Arrays.equals(sos, thisSos)) {
                        return null;
                    }
                    out.write(0xFF);
                    out.write(0xD0 + ((i - 1) & 7));
                }
                int end = s.length;
                while (end > h.entropyStart() + 1 && !((s[end - 2] & 0xFF) == 0xFF && (s[end - 1] & 0xFF) == 0xD9)) {
                    end--;
                }
                if (end <= h.entropyStart() + 1) {
                    return null; // no EOI
                }
                out.write(s, h.entropyStart(), end - 2 - h.entropyStart());
            }
            out.write(0xFF);
            out.write(0xD9);
            return out.toByteArray();
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }
}
