package org.wsiarchive.core.render;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns one stored frame (the bytes {@code RetrieveService.copyFrame} serves) into pixels.
 *
 * <ul>
 *   <li>JPEG baseline and extended 8-bit (1.2.840.10008.1.2.4.50/.51): the JDK's own ImageIO reader, never another
 *       JPEG plug-in (TwelveMonkeys' reader mistakes Aperio's RGB tiles for YCbCr). Whether the components are YCbCr
 *       is decided by the bitstream first (JFIF, Adobe APP14 transform, component ids 'R','G','B'), then by the
 *       Photometric Interpretation; where the JDK would guess otherwise the raster is read unconverted.</li>
 *   <li>JPEG 2000 (.90/.91): JJ2000 from jai-imageio-jpeg2000, instantiated directly so that no global ImageIO
 *       registration matters. Pure Java, no native access to configure, correct but slow (10–15 ms per 256² tile):
 *       frames of J2K slides are served as stored to clients that can decode them, so the decoder is on the path only
 *       for clients that asked for pixels or a rendition. A component transform the codestream does not undo (no MCT,
 *       Photometric YBR_FULL, as in Aperio 33003) is undone here.</li>
 *   <li>JPEG lossless, process 14 (.57/.70), 2 to 16 bits, any number of components: PixelMed's codec
 *       ({@link JpegLosslessDecoder}).</li>
 *   <li>JPEG-LS lossless and near-lossless (.80/.81): CharLS, the reference implementation, through java.lang.foreign
 *       ({@link CharLs}); when libcharls2 is not installed these frames are not decodable, with that reason.</li>
 *   <li>RLE Lossless: {@link RleDecoder}.</li>
 *   <li>Native frames: byte order to little endian, planes interleaved.</li>
 * </ul>
 * HTJ2K and 12-bit lossy JPEG have no decoder here: {@link NotDecodableException}.
 * Decoded colour frames are RGB (the YBR flavours are converted), samples interleaved.
 */
public final class FrameDecoder {

    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    private static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    private static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    private static final String J2K = "1.2.840.10008.1.2.4.91";
    private static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    private static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    private static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    private static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    private static final String RLE = "1.2.840.10008.1.2.5";

    /** Compressed transfer syntaxes with a decoder here (JPEG-LS only while CharLS is loadable). */
    private static final Set<String> DECODABLE = Set.of(JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1,
            JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS, J2K_LOSSLESS, J2K, RLE);

    private static final Map<String, String> NO_DECODER = Map.of(
            "1.2.840.10008.1.2.4.201", "HTJ2K lossless",
            "1.2.840.10008.1.2.4.202", "HTJ2K lossless RPCL",
            "1.2.840.10008.1.2.4.203", "HTJ2K");

    private static final J2KImageReaderSpi J2K_SPI = new J2KImageReaderSpi();

    private FrameDecoder() {}

    /** Whether frames in {@code tsuid} are stored compressed (encapsulated). */
    public static boolean compressed(String tsuid) {
        return tsuid.startsWith("1.2.840.10008.1.2.4.") || tsuid.equals(RLE);
    }

    /** Why frames of this instance cannot be decoded here, or null when they can. */
    public static String whyNotDecodable(ImageDescription d) {
        String ts = d.transferSyntaxUid();
        String none = NO_DECODER.get(ts);
        if (none != null) return "frames stored as " + none + " (" + ts + ") cannot be decoded by this archive";
        if (compressed(ts) && !DECODABLE.contains(ts)) {
            return "frames stored in transfer syntax " + ts + " cannot be decoded by this archive";
        }
        if ((ts.equals(JPEG_LS_LOSSLESS) || ts.equals(JPEG_LS_NEAR_LOSSLESS)) && CharLs.DEFAULT.unavailableReason() != null) {
            return "frames stored as JPEG-LS (" + ts + ") cannot be decoded: " + CharLs.DEFAULT.unavailableReason();
        }
        if (d.bitsAllocated() != 8 && d.bitsAllocated() != 16) {
            return "frames with " + d.bitsAllocated() + " bits allocated cannot be decoded by this archive";
        }
        if ((ts.equals(JPEG_BASELINE) || ts.equals(JPEG_EXTENDED)) && d.bitsStored() > 8) {
            return "12-bit lossy JPEG cannot be decoded by this archive";
        }
        return null;
    }

    /**
     * Decodes one frame.
     *
     * @param bigEndian native frames of an Explicit VR Big Endian file (as the frame index records)
     */
    public static DecodedFrame decode(ImageDescription d, byte[] frame, boolean bigEndian) throws NotDecodableException {
        String why = whyNotDecodable(d);
        if (why != null) throw new NotDecodableException(why);
        String ts = d.transferSyntaxUid();
        try {
            return switch (ts) {
                case JPEG_BASELINE, JPEG_EXTENDED -> decodeJpeg(d, frame);
                case J2K_LOSSLESS, J2K -> decodeJpeg2000(d, frame);
                case JPEG_LOSSLESS, JPEG_LOSSLESS_SV1 -> fromLosslessSamples(d, JpegLosslessDecoder.decode(d, frame));
                case JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS -> fromLosslessSamples(d, CharLs.DEFAULT.decode(d, frame));
                case RLE -> new DecodedFrame(d.columns(), d.rows(), d.samplesPerPixel(), d.bitsAllocated(), d.bitsStored(),
                        d.pixelRepresentation() == 1, d.photometricInterpretation(),
                        RleDecoder.decode(frame, d.rows(), d.columns(), d.samplesPerPixel(), d.bitsAllocated()));
                default -> decodeNative(d, frame, bigEndian);
            };
        } catch (IOException | RuntimeException e) {
            throw new NotDecodableException("frame cannot be decoded (" + ts + "): " + e.getMessage(), e);
        }
    }

    // ---- native -----------------------------------------------------------------------------------------------

    private static DecodedFrame decodeNative(ImageDescription d, byte[] frame, boolean bigEndian) throws NotDecodableException {
        int bytes = d.bitsAllocated() / 8;
        int samples = d.samplesPerPixel();
        int pixels = d.rows() * d.columns();
        String photometric = d.photometricInterpretation();
        if (photometric.equals("YBR_FULL_422") && samples == 3 && bytes == 1) {
            // native 4:2:2: Y1 Y2 Cb Cr per pair of pixels (PS3.3 C.7.6.3.1.2)
            if (frame.length < pixels * 2) throw new NotDecodableException("native YBR_FULL_422 frame is too short");
            byte[] out = new byte[pixels * 3];
            for (int p = 0, in = 0; p + 1 < pixels + 1 && in + 3 < frame.length; p += 2, in += 4) {
                int cb = frame[in + 2] & 0xFF, cr = frame[in + 3] & 0xFF;
                ycc(frame[in] & 0xFF, cb, cr, out, p * 3);
                if (p + 1 < pixels) ycc(frame[in + 1] & 0xFF, cb, cr, out, (p + 1) * 3);
            }
            return new DecodedFrame(d.columns(), d.rows(), 3, 8, 8, false, "RGB", out);
        }
        long expected = (long) pixels * samples * bytes;
        if (frame.length < expected) {
            throw new NotDecodableException("native frame has " + frame.length + " bytes, expected " + expected);
        }
        byte[] out = new byte[(int) expected];
        if (samples > 1 && d.planarConfiguration() == 1) {
            for (int s = 0; s < samples; s++) {
                for (int p = 0; p < pixels; p++) {
                    System.arraycopy(frame, (s * pixels + p) * bytes, out, (p * samples + s) * bytes, bytes);
                }
            }
        } else {
            System.arraycopy(frame, 0, out, 0, out.length);
        }
        if (bigEndian && bytes == 2) {
            for (int i = 0; i + 1 < out.length; i += 2) {
                byte t = out[i];
                out[i] = out[i + 1];
                out[i + 1] = t;
            }
        }
        if (photometric.equals("YBR_FULL") && samples == 3 && bytes == 1) {
            for (int i = 0; i + 2 < out.length; i += 3) {
                ycc(out[i] & 0xFF, out[i + 1] & 0xFF, out[i + 2] & 0xFF, out, i);
            }
            photometric = "RGB";
        }
        return new DecodedFrame(d.columns(), d.rows(), samples, d.bitsAllocated(), d.bitsStored(),
                d.pixelRepresentation() == 1, photometric, out);
    }

    // ---- JPEG -------------------------------------------------------------------------------------------------

    /** What the markers of a JPEG bitstream say about its colour components. */
    record JpegMarkers(boolean jfif, int adobeTransform, int[] componentIds, int precision, int sofType, int lines,
                       int samplesPerLine) {
        boolean rgbIds() {
            return componentIds.length == 3 && componentIds[0] == 'R' && componentIds[1] == 'G' && componentIds[2] == 'B';
        }
    }

    static JpegMarkers scan(byte[] b) throws NotDecodableException {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            throw new NotDecodableException("frame is not a JPEG bitstream (no SOI marker)");
        }
        boolean jfif = false;
        int adobe = -1;
        int[] ids = new int[0];
        int precision = 8, sof = -1, lines = 0, samplesPerLine = 0;
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) { pos++; continue; }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) { pos++; continue; }
            if (marker == 0xDA || marker == 0xD9) break;
            int len = (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
            int data = pos + 4;
            if (marker == 0xE0 && len >= 7 && data + 4 < b.length && b[data] == 'J' && b[data + 1] == 'F' && b[data + 2] == 'I' && b[data + 3] == 'F') {
                jfif = true;
            } else if (marker == 0xEE && len >= 12 && data + 11 < b.length && b[data] == 'A' && b[data + 1] == 'd' && b[data + 2] == 'o'
                    && b[data + 3] == 'b' && b[data + 4] == 'e') {
                adobe = b[data + 11] & 0xFF;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC && data + 6 <= b.length) {
                sof = marker;
                precision = b[data] & 0xFF;
                lines = (b[data + 1] & 0xFF) << 8 | (b[data + 2] & 0xFF);
                samplesPerLine = (b[data + 3] & 0xFF) << 8 | (b[data + 4] & 0xFF);
                int n = b[data + 5] & 0xFF;
                ids = new int[n];
                for (int c = 0; c < n && data + 6 + 3 * c < b.length; c++) ids[c] = b[data + 6 + 3 * c] & 0xFF;
            }
            pos += 2 + len;
        }
        return new JpegMarkers(jfif, adobe, ids, precision, sof, lines, samplesPerLine);
    }

    private static DecodedFrame decodeJpeg(ImageDescription d, byte[] frame) throws IOException, NotDecodableException {
        JpegMarkers m = scan(frame);
        if (m.sofType() != 0xC0 && m.sofType() != 0xC1 && m.sofType() != 0xC2) {
            throw new NotDecodableException(String.format("JPEG frame with SOF marker %02X cannot be decoded by this archive", m.sofType()));
        }
        if (m.precision() != 8) throw new NotDecodableException(m.precision() + "-bit lossy JPEG cannot be decoded by this archive");
        int components = m.componentIds().length;
        boolean ycc;
        boolean jdkAssumesYcc;
        if (components == 3) {
            if (m.jfif()) ycc = true;
            else if (m.adobeTransform() >= 0) ycc = m.adobeTransform() != 0;
            else if (m.rgbIds()) ycc = false;
            else ycc = !d.photometricInterpretation().equals("RGB");
            jdkAssumesYcc = m.jfif() || (m.adobeTransform() >= 0 ? m.adobeTransform() != 0 : !m.rgbIds());
        } else {
            ycc = jdkAssumesYcc = false;
        }
        ImageReader reader = jdkJpegReader();
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(frame))) {
            reader.setInput(in, true, true);
            Raster raster;
            boolean convert = false;
            if (ycc == jdkAssumesYcc) {
                BufferedImage image = reader.read(0);
                raster = image.getRaster();
            } else {
                raster = reader.readRaster(0, null);
                convert = ycc;
            }
            byte[] out = bytes8(raster, components);
            if (convert) {
                for (int i = 0; i + 2 < out.length; i += 3) ycc(out[i] & 0xFF, out[i + 1] & 0xFF, out[i + 2] & 0xFF, out, i);
            }
            return new DecodedFrame(raster.getWidth(), raster.getHeight(), components, 8, 8, false,
                    components == 3 ? "RGB" : d.photometricInterpretation(), out);
        } finally {
            reader.dispose();
        }
    }

    /** The JDK's JPEG reader, whatever other plug-ins the class path registers. */
    static ImageReader jdkJpegReader() throws NotDecodableException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader fallback = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReader")) {
                if (fallback != null) fallback.dispose();
                return r;
            }
            if (fallback == null) fallback = r; else r.dispose();
        }
        if (fallback == null) throw new NotDecodableException("no JPEG decoder available");
        return fallback;
    }

    // ---- JPEG lossless and JPEG-LS ------------------------------------------------------------------------------

    /**
     * The samples a lossless codec produced, as a frame of this instance: widened to two bytes where 16 bits are
     * allocated for a precision of 8 or less, YBR_FULL converted to RGB (8-bit, as for the other codecs) so that all
     * decoded colour frames are RGB.
     */
    private static DecodedFrame fromLosslessSamples(ImageDescription d, LosslessSamples s) throws NotDecodableException {
        int bytes = d.bitsAllocated() / 8;
        if (s.bytesPerSample() > bytes) {
            throw new NotDecodableException("frame has " + s.precision() + "-bit samples, more than the "
                    + d.bitsAllocated() + " bits allocated");
        }
        byte[] out = s.interleaved();
        if (s.bytesPerSample() < bytes) {
            byte[] wide = new byte[out.length * 2];
            for (int i = 0; i < out.length; i++) wide[2 * i] = out[i];
            out = wide;
        }
        String photometric = d.photometricInterpretation();
        if (s.components() == 3) {
            if (photometric.equals("YBR_FULL") && bytes == 1) {
                for (int i = 0; i + 2 < out.length; i += 3) ycc(out[i] & 0xFF, out[i + 1] & 0xFF, out[i + 2] & 0xFF, out, i);
            }
            photometric = "RGB";
        }
        return new DecodedFrame(s.columns(), s.rows(), s.components(), d.bitsAllocated(), bytes == 1 ? 8 : d.bitsStored(),
                d.pixelRepresentation() == 1, photometric, out);
    }

    // ---- JPEG 2000 --------------------------------------------------------------------------------------------

    private static DecodedFrame decodeJpeg2000(ImageDescription d, byte[] frame) throws IOException {
        J2KImageReader reader = new J2KImageReader(J2K_SPI);
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(frame))) {
            reader.setInput(in, true, true);
            Raster raster = reader.read(0).getRaster();
            int bands = raster.getNumBands();
            int bits = d.bitsAllocated();
            byte[] out;
            if (bits == 8) {
                out = bytes8(raster, bands);
            } else {
                int[] px = raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), (int[]) null);
                out = new byte[px.length * 2];
                for (int i = 0; i < px.length; i++) {
                    out[2 * i] = (byte) px[i];
                    out[2 * i + 1] = (byte) (px[i] >> 8);
                }
            }
            String photometric = d.photometricInterpretation();
            if (bands == 3) {
                if ((photometric.equals("YBR_FULL") || photometric.equals("YBR_FULL_422")) && bits == 8 && !multipleComponentTransform(frame)) {
                    for (int i = 0; i + 2 < out.length; i += 3) ycc(out[i] & 0xFF, out[i + 1] & 0xFF, out[i + 2] & 0xFF, out, i);
                }
                photometric = "RGB";
            }
            return new DecodedFrame(raster.getWidth(), raster.getHeight(), bands, bits, bits == 8 ? 8 : d.bitsStored(),
                    d.pixelRepresentation() == 1, photometric, out);
        } finally {
            reader.dispose();
        }
    }

    /** The MCT flag of the COD marker segment in the main header of a J2K codestream (optionally inside JP2 boxes). */
    static boolean multipleComponentTransform(byte[] b) {
        int soc = -1;
        for (int i = 0; i + 3 < b.length && i < 4096; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0x4F && (b[i + 2] & 0xFF) == 0xFF && (b[i + 3] & 0xFF) == 0x51) {
                soc = i;
                break;
            }
        }
        if (soc < 0) return true; // unknown: trust the decoder
        int pos = soc + 2;
        while (pos + 4 <= b.length) {
            int marker = (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
            int len = (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
            if (marker == 0xFF52) return pos + 8 < b.length && b[pos + 8] != 0;
            if (marker == 0xFF90 || len < 2) return true; // first tile-part: no COD in the main header
            pos += 2 + len;
        }
        return true;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static byte[] bytes8(Raster raster, int bands) {
        int w = raster.getWidth(), h = raster.getHeight();
        byte[] out = new byte[w * h * bands];
        if (raster.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            // the usual case (the JDK's JPEG reader): copy bytes, reordering bands (BGR to RGB) without int arrays
            byte[] src = buffer.getData();
            int[] offsets = sm.getBandOffsets();
            int pixelStride = sm.getPixelStride(), scanline = sm.getScanlineStride();
            for (int y = 0, o = 0; y < h; y++) {
                for (int x = 0, at = y * scanline; x < w; x++, at += pixelStride) {
                    for (int s = 0; s < bands; s++) out[o++] = src[at + offsets[s]];
                }
            }
            return out;
        }
        int[] px = raster.getPixels(0, 0, w, h, (int[]) null);
        int stride = raster.getNumBands();
        for (int p = 0, o = 0; p < w * h; p++) {
            for (int s = 0; s < bands; s++) out[o++] = (byte) px[p * stride + s];
        }
        return out;
    }

    /** YCbCr (full range, ITU-R BT.601 as JFIF and PS3.3 C.7.6.3.1.2 define it) to RGB, written at {@code at}. */
    static void ycc(int y, int cb, int cr, byte[] out, int at) {
        double r = y + 1.402 * (cr - 128);
        double g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
        double b = y + 1.772 * (cb - 128);
        out[at] = (byte) clamp(r);
        out[at + 1] = (byte) clamp(g);
        out[at + 2] = (byte) clamp(b);
    }

    private static int clamp(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }
}
