package org.wsiarchive.core.render;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Pixels to a displayable 8-bit image and that image to JPEG or PNG: VOI windowing of monochrome frames, scaling,
 * colour management, encoding. Stateless.
 */
public final class Renderer {

    private Renderer() {}

    /** The VOI window applied to monochrome values after the modality rescale; null for colour images. */
    public record Window(double center, double width, String function) {}

    /**
     * The window for an image: the client's, else the one the header recommends, else identity for 8-bit data and the
     * full range of Bits Stored otherwise (one window for all tiles, so a stitched image has no seams).
     */
    public static Window window(ImageDescription d, RenderParameters p) {
        if (!d.monochrome()) return null;
        if (!Double.isNaN(p.windowCenter())) return new Window(p.windowCenter(), p.windowWidth(), p.windowFunction());
        if (!Double.isNaN(d.windowCenter()) && d.windowWidth() >= 1) {
            String f = d.voiLutFunction() == null ? "linear" : d.voiLutFunction().toLowerCase().replace('_', '-');
            return new Window(d.windowCenter(), d.windowWidth(), f);
        }
        double min, max;
        int bits = Math.min(d.bitsStored(), 16);
        if (d.pixelRepresentation() == 1) {
            min = -(1 << (bits - 1));
            max = (1 << (bits - 1)) - 1;
        } else {
            min = 0;
            max = (1 << bits) - 1;
        }
        double a = min * d.rescaleSlope() + d.rescaleIntercept(), b = max * d.rescaleSlope() + d.rescaleIntercept();
        double lo = Math.min(a, b), hi = Math.max(a, b);
        return new Window((lo + hi + 1) / 2, hi - lo + 1, "linear");
    }

    /** A decoded frame as an 8-bit gray or RGB image. */
    public static BufferedImage toImage(DecodedFrame f, ImageDescription d, Window w) throws NotDecodableException {
        int width = f.columns(), height = f.rows();
        String pi = f.photometricInterpretation();
        if (f.samplesPerPixel() == 3 && f.bitsAllocated() == 8 && pi.equals("RGB")) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            byte[] src = f.data();
            for (int i = 0; i + 2 < dst.length; i += 3) {
                dst[i] = src[i + 2];
                dst[i + 1] = src[i + 1];
                dst[i + 2] = src[i];
            }
            return img;
        }
        if (f.samplesPerPixel() == 3) {
            // 16-bit RGB: the most significant 8 bits of Bits Stored
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            int shift = Math.max(0, f.bitsStored() - 8);
            for (int y = 0, o = 0; y < height; y++) {
                for (int x = 0; x < width; x++, o += 3) {
                    dst[o] = (byte) (f.sample(x, y, 2) >> shift);
                    dst[o + 1] = (byte) (f.sample(x, y, 1) >> shift);
                    dst[o + 2] = (byte) (f.sample(x, y, 0) >> shift);
                }
            }
            return img;
        }
        if (f.samplesPerPixel() != 1 || !pi.startsWith("MONOCHROME")) {
            throw new NotDecodableException("rendering of " + pi + " with " + f.samplesPerPixel()
                    + " samples per pixel is not supported");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        boolean invert = pi.equals("MONOCHROME1");
        // a lookup table over all stored values: at most 64 Ki entries, computed once per frame
        int bits = Math.min(f.bitsStored(), 16);
        int offset = f.signed() ? 1 << (bits - 1) : 0;
        byte[] lut = new byte[1 << bits];
        for (int i = 0; i < lut.length; i++) {
            double x = (i - offset) * d.rescaleSlope() + d.rescaleIntercept();
            int y = voi(x, w);
            lut[i] = (byte) (invert ? 255 - y : y);
        }
        int mask = lut.length - 1;
        for (int y = 0, o = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                dst[o++] = lut[(f.sample(x, y, 0) + offset) & mask];
            }
        }
        return img;
    }

    /** PS3.3 C.11.2.1.2 window functions, to 0..255. */
    static int voi(double x, Window w) {
        double c = w.center(), width = w.width();
        double y;
        switch (w.function()) {
            case "linear-exact" -> y = (x - c) / width + 0.5;
            case "sigmoid" -> y = 1 / (1 + Math.exp(-4 * (x - c) / width));
            default -> {
                if (x <= c - 0.5 - (width - 1) / 2) y = 0;
                else if (x > c - 0.5 + (width - 1) / 2) y = 1;
                else y = (x - (c - 0.5)) / Math.max(width - 1, 1) + 0.5;
            }
        }
        return (int) Math.max(0, Math.min(255, Math.round(y * 255)));
    }

    /** {@code src} scaled to w×h: halving steps first, so a large reduction does not alias. */
    public static BufferedImage scaled(BufferedImage src, int w, int h) {
        BufferedImage cur = src;
        while (cur.getWidth() / 2 >= w && cur.getHeight() / 2 >= h && cur.getWidth() > 1 && cur.getHeight() > 1) {
            cur = draw(cur, Math.max(1, cur.getWidth() / 2), Math.max(1, cur.getHeight() / 2));
        }
        return cur.getWidth() == w && cur.getHeight() == h ? cur : draw(cur, w, h);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, src.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /**
     * The output size for a source region of sw×sh: the viewport keeps the aspect ratio (the image fits inside
     * vw×vh; a missing dimension follows from the other); without a viewport the region's own size, at most
     * {@link RenderParameters#DEFAULT_MAX_SIDE} on the longer side.
     */
    public static int[] outputSize(long sw, long sh, RenderParameters p) {
        double scale;
        if (p.viewportWidth() > 0 && p.viewportHeight() > 0) {
            scale = Math.min(p.viewportWidth() / (double) sw, p.viewportHeight() / (double) sh);
        } else if (p.viewportWidth() > 0) {
            scale = p.viewportWidth() / (double) sw;
        } else if (p.viewportHeight() > 0) {
            scale = p.viewportHeight() / (double) sh;
        } else {
            scale = Math.min(1.0, RenderParameters.DEFAULT_MAX_SIDE / (double) Math.max(sw, sh));
        }
        int w = (int) Math.max(1, Math.min(RenderParameters.MAX_VIEWPORT, Math.round(sw * scale)));
        int h = (int) Math.max(1, Math.min(RenderParameters.MAX_VIEWPORT, Math.round(sh * scale)));
        return new int[] {w, h};
    }

    /**
     * Encodes the image. Colour: {@code iccprofile=no} leaves the pixels in the stored colour space and embeds
     * nothing; {@code yes} embeds the stored profile (ICC_PROFILE APP2 segments in JPEG, an iCCP chunk in PNG) so a
     * colour-managed client can display it correctly; {@code srgb} converts the pixels from the stored profile to sRGB.
     */
    public static byte[] encode(BufferedImage image, RenderParameters p, byte[] storedIcc) throws IOException {
        BufferedImage img = image;
        if (p.iccProfile() == RenderParameters.Icc.SRGB && storedIcc != null && img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            ICC_Profile source = ICC_Profile.getInstance(storedIcc);
            if (source.getColorSpaceType() == ColorSpace.TYPE_RGB) {
                BufferedImage converted = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
                new ColorConvertOp(new ICC_ColorSpace(source), ColorSpace.getInstance(ColorSpace.CS_sRGB), null)
                        .filter(img.getRaster(), converted.getRaster());
                img = converted;
            }
        }
        byte[] encoded = p.mediaType().equals(RenderParameters.PNG) ? png(img) : jpeg(img, p.quality());
        if (p.iccProfile() == RenderParameters.Icc.YES && storedIcc != null) {
            encoded = p.mediaType().equals(RenderParameters.PNG) ? withPngIcc(encoded, storedIcc) : withJpegIcc(encoded, storedIcc);
        }
        return encoded;
    }

    /** Baseline JPEG with the JDK's writer (JFIF, YCbCr 4:2:0), quality 1..100. */
    public static byte[] jpeg(BufferedImage img, int quality) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = null;
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (writer == null || w.getClass().getName().startsWith("com.sun.imageio")) writer = w;
        }
        if (writer == null) throw new IOException("no JPEG encoder available");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    public static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) throw new IOException("no PNG encoder available");
        return bytes.toByteArray();
    }

    /** Inserts ICC_PROFILE APP2 segments (ICC.1 B.4) after the JFIF APP0 segment (or after SOI). */
    static byte[] withJpegIcc(byte[] jpeg, byte[] icc) {
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        }
        int chunk = 65519; // 65535 - 2 (length field) - 14 (identifier, sequence number, count)
        int count = (icc.length + chunk - 1) / chunk;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + icc.length + 18 * count);
        out.write(jpeg, 0, at);
        for (int k = 0; k < count; k++) {
            int from = k * chunk, len = Math.min(chunk, icc.length - from);
            int segLen = 2 + 12 + 2 + len;
            out.write(0xFF);
            out.write(0xE2);
            out.write(segLen >> 8);
            out.write(segLen);
            out.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
            out.write(k + 1);
            out.write(count);
            out.write(icc, from, len);
        }
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    /** Inserts an iCCP chunk right after IHDR (PNG 11.3.3.3: before PLTE and IDAT). */
    static byte[] withPngIcc(byte[] png, byte[] icc) throws IOException {
        int ihdrEnd = 8 + 4 + 4 + 13 + 4;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("ICC Profile".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        data.write(0); // compression method: deflate
        try (DeflaterOutputStream z = new DeflaterOutputStream(data)) {
            z.write(icc);
        }
        byte[] body = data.toByteArray();
        byte[] type = "iCCP".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + body.length + 12);
        out.write(png, 0, ihdrEnd);
        int n = body.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(type);
        out.writeBytes(body);
        long c = crc.getValue();
        out.write((int) (c >>> 24));
        out.write((int) (c >>> 16));
        out.write((int) (c >>> 8));
        out.write((int) c);
        out.write(png, ihdrEnd, png.length - ihdrEnd);
        return out.toByteArray();
    }
}
