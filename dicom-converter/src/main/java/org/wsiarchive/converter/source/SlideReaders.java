package org.wsiarchive.converter.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.wsiarchive.converter.jpeg.JpegEncoder;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.openslide.OpenSlide;
import org.wsiarchive.converter.openslide.OpenSlideReader;
import org.wsiarchive.converter.tiff.TiffFile;

/** Detects the format of an input file and opens it with the matching reader. */
public final class SlideReaders {
    private SlideReaders() {
    }

    private static final List<SlideReader> TIFF_READERS = List.of(new AperioSvsReader(), new NdpiReader(), new QptiffReader(), new OmeTiffReader(),
            new PhilipsTiffReader(), new GenericTiffReader());

    public static String supportedFormats() {
        return TIFF_READERS.stream().map(SlideReader::formatName).collect(Collectors.joining("; ")) + "; "
                + (OpenSlide.available() ? OpenSlideReader.FORMATS
                : "(OpenSlide formats such as MIRAX, Leica SCN, Ventana BIF need the Debian package libopenslide0)");
    }

    public static Slide open(Path input) throws IOException {
        return open(input, ReaderChoice.AUTO, JpegEncoder.DEFAULT_QUALITY);
    }

    /**
     * Opens {@code input}: with {@link ReaderChoice#AUTO} by the first lossless reader that accepts it, else by
     * OpenSlide when OpenSlide recognises it (lossy re-encoding); with {@link ReaderChoice#OPENSLIDE} always by
     * OpenSlide. {@code jpegQuality} is the quality of re-encoded frames.
     */
    public static Slide open(Path input, ReaderChoice choice, float jpegQuality) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new SourceException("input " + input + " does not exist or is not a regular file");
        }
        if (choice == ReaderChoice.OPENSLIDE) {
            if (OpenSlide.detectVendor(input) == null) {
                throw new SourceException("unsupported format: OpenSlide does not recognise " + input.getFileName()
                        + ". Supported formats: " + supportedFormats());
            }
            return OpenSlideReader.read(input, jpegQuality);
        }
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(input)) {
            n = in.readNBytes(head, 0, head.length);
        }
        boolean tiffMagic = n >= 4 && ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43)));
        if (!tiffMagic) {
            if (openSlideVendor(input) != null) {
                return OpenSlideReader.read(input, jpegQuality);
            }
            throw new SourceException("unsupported format: " + input.getFileName() + " is not a TIFF/BigTIFF-based "
                    + "slide (unrecognised file signature). Supported formats: " + supportedFormats());
        }
        TiffFile tiff;
        try {
            tiff = TiffFile.open(input);
        } catch (IOException e) {
            throw new SourceException("damaged TIFF structure in " + input.getFileName() + ": " + e.getMessage()
                    + ". Supported formats: " + supportedFormats(), e);
        }
        try {
            for (SlideReader r : TIFF_READERS) {
                // before the catch-all generic reader: TIFF layouts OpenSlide knows by vendor (Leica SCN, Ventana
                // BIF, Trestle, ...) are read as that vendor's slide rather than as a generic pyramid
                if (r instanceof GenericTiffReader && isVendorTiff(openSlideVendor(input))) {
                    tiff.close();
                    return OpenSlideReader.read(input, jpegQuality);
                }
                if (r.accepts(tiff)) {
                    return r.read(tiff);
                }
            }
            if (openSlideVendor(input) != null) {
                tiff.close();
                return OpenSlideReader.read(input, jpegQuality);
            }
            throw new SourceException("unsupported format: " + input.getFileName() + " is a TIFF file but not a "
                    + "recognised whole-slide image. Supported formats: " + supportedFormats());
        } catch (IOException | RuntimeException e) {
            tiff.close();
            if (e instanceof SourceException se) {
                throw se;
            }
            throw new SourceException("cannot read " + input.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** The vendor OpenSlide detects, or null when OpenSlide is not installed or does not recognise the file. */
    private static String openSlideVendor(Path input) throws SourceException {
        return OpenSlide.available() ? OpenSlide.detectVendor(input) : null;
    }

    private static boolean isVendorTiff(String vendor) {
        return vendor != null && !vendor.equals("generic-tiff") && !vendor.equals("aperio") && !vendor.equals("hamamatsu");
    }
}
