package org.wsiarchive.converter.source;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;
import org.wsiarchive.converter.jpeg.JpegStreams;
import org.wsiarchive.converter.model.FrameSource;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.MemoryFrames;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/** Turns TIFF directories into {@link SlideImage}s; shared by the TIFF-based slide readers. */
public final class TiffImages {
    private TiffImages() {
    }

    public static final String SUPPORTED_TILE_COMPRESSIONS =
            "JPEG (7), JPEG 2000 (Aperio 33003/33005, 34712)";

    /** A tiled directory as a pyramid level (or tiled associated image): tiles copied as frames. */
    public static SlideImage tiled(TiffDirectory d, ImageFlavor flavor) throws IOException {
        int compression = d.compression();
        int spp = d.samplesPerPixel();
        int bits = d.bitsPerSample();
        if (bits != 8 || (spp != 3 && spp != 1) || (spp == 3 && d.planarConfiguration() != 1)) {
            throw new SourceException("unsupported sample layout in TIFF directory " + d.index() + ": " + spp
                    + " samples of " + bits + " bits, planar configuration " + d.planarConfiguration()
                    + " (supported: 8-bit RGB interleaved or 8-bit grayscale)");
        }
        d.validateSegments();
        int tw = (int) d.requireLong(TiffTags.TILE_WIDTH);
        int th = (int) d.requireLong(TiffTags.TILE_LENGTH);
        int w = d.width();
        int h = d.height();
        long[] offsets = d.segmentOffsets();
        long[] counts = d.segmentByteCounts();
        long expected = (long) ((w + tw - 1) / tw) * ((h + th - 1) / th);
        if (offsets.length != expected) {
            throw new SourceException("TIFF directory " + d.index() + " has " + offsets.length + " tiles, expected "
                    + expected + " for " + w + "x" + h + " in " + tw + "x" + th + " tiles");
        }
        TiffFile f = d.file();
        // sparse files (Philips) mark missing tiles with byte count 0: the first stored tile describes the stream
        int probeTile = 0;
        while (probeTile < counts.length - 1 && counts[probeTile] == 0) {
            probeTile++;
        }
        switch (compression) {
            case TiffTags.COMPRESSION_JPEG -> {
                byte[] tables = d.bytes(TiffTags.JPEG_TABLES);
                // look at the first tile's header (with tables) to decide the colour signalling
                byte[] probe = JpegStreams.framePrefix(tables, false);
                byte[] head = f.readBytes(offsets[probeTile], (int) Math.min(counts[probeTile], 4096));
                byte[] joined = new byte[probe.length + head.length - 2];
                System.arraycopy(probe, 0, joined, 0, probe.length);
                System.arraycopy(head, 2, joined, probe.length, head.length - 2);
                String photometric;
                boolean adobe;
                try {
                    JpegStreams.Header hd = JpegStreams.parseHeader(joined);
                    JpegStreams.FrameInfo fi = JpegStreams.frameInfo(joined, hd);
                    if (fi.sofMarker() != 0xC0) {
                        throw new SourceException("TIFF directory " + d.index() + ": JPEG tiles are not baseline (SOF 0x"
                                + Integer.toHexString(fi.sofMarker()) + ")");
                    }
                    if (fi.width() != tw || fi.height() != th) {
                        throw new SourceException("TIFF directory " + d.index() + ": JPEG tile size " + fi.width() + "x"
                                + fi.height() + " differs from the TIFF tile size " + tw + "x" + th);
                    }
                    photometric = jpegPhotometric(d.photometric(), spp, fi);
                    adobe = "RGB".equals(photometric) && !JpegStreams.hasAdobeMarker(joined, hd) && !fi.rgbComponentIds();
                } catch (IllegalArgumentException e) {
                    throw new SourceException("corrupt tile data: TIFF directory " + d.index() + ", JPEG tile " + probeTile + ": " + e.getMessage(), e);
                }
                FrameSource frames = new TiffTileFrames(f, offsets, counts, JpegStreams.framePrefix(tables, adobe));
                return new SlideImage(flavor, w, h, tw, th, spp, photometric, PixelEncoding.JPEG_BASELINE, frames,
                        Double.NaN, Double.NaN, false, "JPEG tiles copied" + (adobe ? " (JPEGTables + Adobe RGB marker merged)" : " (JPEGTables merged)"));
            }
            case TiffTags.COMPRESSION_APERIO_J2K_RGB, TiffTags.COMPRESSION_APERIO_J2K_YCBCR, TiffTags.COMPRESSION_JPEG2000 -> {
                byte[] head = f.readBytes(offsets[probeTile], (int) Math.min(counts[probeTile], 4096));
                J2kInfo info = J2kInfo.parse(head);
                if (info == null) {
                    throw new SourceException("corrupt tile data: TIFF directory " + d.index() + ", tile " + probeTile + " is not a JPEG 2000 codestream");
                }
                if (info.width() != tw || info.height() != th || info.components() != spp) {
                    throw new SourceException("TIFF directory " + d.index() + ": JPEG 2000 tile is " + info.width() + "x"
                            + info.height() + "x" + info.components() + ", TIFF says " + tw + "x" + th + "x" + spp);
                }
                String photometric;
                if (spp == 1) {
                    photometric = "MONOCHROME2";
                } else if (info.mct()) {
                    photometric = info.reversible() ? "YBR_RCT" : "YBR_ICT";
                } else {
                    photometric = compression == TiffTags.COMPRESSION_APERIO_J2K_YCBCR ? "YBR_FULL" : "RGB";
                }
                FrameSource frames = new TiffTileFrames(f, offsets, counts, null);
                return new SlideImage(flavor, w, h, tw, th, spp, photometric, PixelEncoding.JPEG_2000, frames,
                        Double.NaN, Double.NaN, false, "JPEG 2000 codestreams copied ("
                        + (info.reversible() ? "5/3 reversible" : "9/7 irreversible") + (info.mct() ? ", MCT" : "") + ")");
            }
            default -> throw new SourceException("unsupported TIFF compression " + compression + " in directory "
                    + d.index() + " (supported tile compressions: " + SUPPORTED_TILE_COMPRESSIONS + ")");
        }
    }

    static String jpegPhotometric(int tiffPhotometric, int spp, JpegStreams.FrameInfo fi) {
        if (spp == 1) {
            return "MONOCHROME2";
        }
        if (tiffPhotometric == TiffTags.PHOTOMETRIC_YCBCR) {
            // The VL WSI IOD allows no YBR_FULL (only MONOCHROME2, RGB, YBR_FULL_422, YBR_ICT, YBR_RCT): 4:4:4 YCbCr
            // JPEG is labelled YBR_FULL_422 too; the SOF sampling factors say how the stream is really sampled.
            return "YBR_FULL_422";
        }
        return "RGB";
    }

    /**
     * A small associated image (label, overview, thumbnail): JPEG tiles/strips are kept compressed (strips joined
     * into one stream with restart markers); anything else is decoded with the JDK's TIFF reader and stored native.
     */
    public static SlideImage associated(TiffDirectory d, ImageFlavor flavor) throws IOException {
        int w = d.width();
        int h = d.height();
        d.validateSegments();
        if (d.compression() == TiffTags.COMPRESSION_JPEG && d.samplesPerPixel() == 3 && d.bitsPerSample() == 8) {
            if (d.isTiled()) {
                int tw = (int) d.requireLong(TiffTags.TILE_WIDTH);
                int th = (int) d.requireLong(TiffTags.TILE_LENGTH);
                if (tw >= w && th >= h) {
                    return tiled(d, flavor);
                }
            } else {
                long[] off = d.segmentOffsets();
                long[] cnt = d.segmentByteCounts();
                long total = 0;
                for (long c : cnt) {
                    total += c;
                }
                if (total < 64L << 20) {
                    List<byte[]> strips = new ArrayList<>();
                    for (int i = 0; i < off.length; i++) {
                        strips.add(d.file().readBytes(off[i], (int) cnt[i]));
                    }
                    int rps = (int) Math.min(d.longValue(TiffTags.ROWS_PER_STRIP, h), h);
                    byte[] tables = d.bytes(TiffTags.JPEG_TABLES);
                    boolean rgb = d.photometric() == TiffTags.PHOTOMETRIC_RGB;
                    byte[] joined = JpegStreams.joinStrips(tables, strips, w, h, rps, rgb);
                    if (joined != null) {
                        JpegStreams.Header hd = JpegStreams.parseHeader(joined);
                        JpegStreams.FrameInfo fi = JpegStreams.frameInfo(joined, hd);
                        String photometric = jpegPhotometric(d.photometric(), 3, fi);
                        return new SlideImage(flavor, w, h, w, h, 3, photometric, PixelEncoding.JPEG_BASELINE,
                                new MemoryFrames(List.of(joined), true), Double.NaN, Double.NaN, false,
                                "JPEG strips joined with restart markers (no re-encoding)");
                    }
                }
            }
        }
        return decodedNative(d, flavor);
    }

    /** Decodes a directory with the JDK TIFF reader and stores it as native 8-bit RGB. */
    static SlideImage decodedNative(TiffDirectory d, ImageFlavor flavor) throws IOException {
        int w = d.width();
        int h = d.height();
        if ((long) w * h > 64L << 20) {
            throw new SourceException("associated image in TIFF directory " + d.index() + " is too large to decode ("
                    + w + "x" + h + ")");
        }
        BufferedImage img;
        try {
            img = decodeDirectory(d);
        } catch (SourceException e) {
            throw new SourceException("corrupt image data in the " + flavor.name().toLowerCase() + " image (TIFF directory "
                    + d.index() + "): " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                rgb[p] = (byte) (row[x] >> 16);
                rgb[p + 1] = (byte) (row[x] >> 8);
                rgb[p + 2] = (byte) row[x];
            }
        }
        boolean lossless = d.compression() != TiffTags.COMPRESSION_JPEG && d.compression() != TiffTags.COMPRESSION_OJPEG;
        return new SlideImage(flavor, w, h, w, h, 3, "RGB", PixelEncoding.NATIVE, new MemoryFrames(List.of(rgb), lossless),
                Double.NaN, Double.NaN, false, "decoded (TIFF compression " + d.compression() + ") and stored uncompressed");
    }

    /**
     * Decodes one TIFF directory with the JDK's TIFF ImageIO plugin. The plugin only walks the main IFD chain, so it
     * is given a view of the file whose header points at this directory: SubIFDs (OME-TIFF pyramid levels) decode
     * like any other directory. The plugin does not read BigTIFF.
     */
    static BufferedImage decodeDirectory(TiffDirectory d) throws IOException {
        if (d.file().isBigTiff()) {
            throw new SourceException("TIFF directory " + d.index() + " would need decoding, which the JDK TIFF reader "
                    + "cannot do for BigTIFF files");
        }
        ImageReader r = jdkTiffReader();
        if (r == null) {
            throw new SourceException("no TIFF ImageIO reader available to decode directory " + d.index());
        }
        try (ImageInputStream in = new SingleDirectoryStream(d)) {
            r.setInput(in);
            return r.read(0);
        } catch (IOException | RuntimeException e) {
            throw new SourceException("cannot decode TIFF directory " + d.index() + ": " + e.getMessage(), e);
        } finally {
            r.dispose();
        }
    }

    /**
     * The JDK's TIFF reader (its metadata is the standard {@code javax.imageio.plugins.tiff} one), not whichever
     * plugin registered first: jai-imageio-core, on the class path for its JPEG 2000 decoder (generated levels of
     * J2K slides), registers a TIFF reader of its own. Null when the JDK has none.
     */
    public static ImageReader jdkTiffReader() {
        ImageReader first = null;
        for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("tiff"); it.hasNext(); ) {
            ImageReader r = it.next();
            if (r.getClass().getName().startsWith("com.sun.imageio.plugins.tiff.")) return r;
            if (first == null) first = r;
        }
        return first;
    }

    /** The TIFF file with its 8-byte header replaced by one whose first-IFD offset is the given directory's. */
    private static final class SingleDirectoryStream extends ImageInputStreamImpl {
        private final RandomAccessFile file;
        private final byte[] header = new byte[8];

        SingleDirectoryStream(TiffDirectory d) throws IOException {
            file = new RandomAccessFile(d.file().path().toFile(), "r");
            ByteBuffer h = ByteBuffer.wrap(header).order(d.file().byteOrder());
            byte mark = (byte) (d.file().byteOrder() == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M');
            h.put(mark).put(mark).putShort((short) 42).putInt((int) d.offset());
        }

        @Override
        public int read() throws IOException {
            bitOffset = 0;
            if (streamPos < header.length) {
                return header[(int) streamPos++] & 0xFF;
            }
            file.seek(streamPos);
            int b = file.read();
            if (b >= 0) {
                streamPos++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            bitOffset = 0;
            if (len == 0) {
                return 0;
            }
            if (streamPos < header.length) {
                int n = (int) Math.min(len, header.length - streamPos);
                System.arraycopy(header, (int) streamPos, b, off, n);
                streamPos += n;
                return n;
            }
            file.seek(streamPos);
            int n = file.read(b, off, len);
            if (n > 0) {
                streamPos += n;
            }
            return n;
        }

        @Override
        public long length() {
            try {
                return file.length();
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public void close() throws IOException {
            super.close();
            file.close();
        }
    }

    /**
     * Decodes a single-sample unsigned plane of 8 or 16 bits (any compression the JDK plugin reads) into
     * width*height samples of 1 byte, or 2 bytes little-endian (the byte order DICOM native OW data needs).
     */
    public static byte[] decodePlane(TiffDirectory d) throws IOException {
        int bits = d.bitsPerSample();
        if (d.samplesPerPixel() != 1 || (bits != 8 && bits != 16) || d.longValue(TiffTags.SAMPLE_FORMAT, 1) != 1) {
            throw new SourceException("TIFF directory " + d.index() + ": only 8- or 16-bit unsigned single-channel planes "
                    + "are supported (found " + d.samplesPerPixel() + " samples of " + bits + " bits, sample format "
                    + d.longValue(TiffTags.SAMPLE_FORMAT, 1) + ")");
        }
        int w = d.width();
        int h = d.height();
        if ((long) w * h > 256L << 20) {
            throw new SourceException("TIFF directory " + d.index() + " is too large to decode in memory (" + w + "x" + h + ")");
        }
        int bytes = bits / 8;
        BufferedImage img = decodeDirectory(d);
        java.awt.image.Raster r = img.getRaster();
        byte[] out = new byte[w * h * bytes];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * bytes;
                out[p] = (byte) row[x];
                if (bytes == 2) {
                    out[p + 1] = (byte) (row[x] >> 8);
                }
            }
        }
        return out;
    }

    /** Decodes one complete JPEG frame with the JDK's JPEG reader (used to check that tile data is readable). */
    public static BufferedImage decodeJpeg(byte[] jpeg) throws IOException {
        return decode(jpeg, "jpeg");
    }

    /** Decodes one complete image (a tile's bitstream) with the first ImageIO reader of {@code format}. */
    public static BufferedImage decode(byte[] encoded, String format) throws IOException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format);
        if (!it.hasNext()) {
            throw new IOException("no " + format + " ImageIO reader");
        }
        ImageReader r = it.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            r.setInput(in);
            return r.read(0);
        } finally {
            r.dispose();
        }
    }
}
