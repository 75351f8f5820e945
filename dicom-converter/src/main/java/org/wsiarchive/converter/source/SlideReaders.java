package org.wsiarchive.converter.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.tiff.TiffFile;

/** Detects the format of an input file and opens it with the matching reader. */
public final class SlideReaders {
    private SlideReaders() {
    }

    private static final List<SlideReader> TIFF_READERS = List.of(new AperioSvsReader(), new NdpiReader(), new QptiffReader(), new OmeTiffReader(),
            new PhilipsTiffReader(), new GenericTiffReader());

    public static String supportedFormats() {
        return TIFF_READERS.stream().map(SlideReader::formatName).collect(Collectors.joining("; "));
    }

    public static Slide open(Path input) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new SourceException("input " + input + " does not exist or is not a regular file");
        }
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(input)) {
            n = in.readNBytes(head, 0, head.length);
        }
        boolean tiffMagic = n >= 4 && ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43)));
        if (!tiffMagic) {
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
                if (r.accepts(tiff)) {
                    return r.read(tiff);
                }
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
}
