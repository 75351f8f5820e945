package org.wsiarchive.converter.jpeg;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * Baseline JPEG (ISO 10918-1 process 1) encoding with the JDK's ImageIO writer, for frames that must be re-encoded
 * (OpenSlide regions, generated pyramid levels). Colour images are written as YCbCr without chroma subsampling
 * (4:4:4, labelled YBR_FULL_422 like other 4:4:4 sources, see the README): with the JDK's default 4:2:0, or 4:2:2,
 * the fluorescence NDPI sample's level 3 came out at 29 dB PSNR against OpenSlide's pixels even at quality 1.0, with
 * 4:4:4 at 50 dB (quality 0.9). Grayscale images are written with one component (MONOCHROME2). One instance is not thread-safe (it reuses its writer).
 */
public final class JpegEncoder implements AutoCloseable {

    /** Default quality: visually lossless for H&amp;E at about a tenth of the raw size. */
    public static final float DEFAULT_QUALITY = 0.90f;

    private static final String NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

    private final ImageWriter writer;
    private final ImageWriteParam param;
    private final float quality;
    private IIOMetadata colourMetadata;
    private IIOMetadata grayMetadata;

    public JpegEncoder(float quality) {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
        if (!it.hasNext()) {
            throw new IllegalStateException("no JPEG ImageIO writer available");
        }
        this.writer = it.next();
        this.quality = quality;
        this.param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
    }

    public float quality() {
        return quality;
    }

    /** Encodes a TYPE_INT_RGB / TYPE_3BYTE_BGR (colour) or TYPE_BYTE_GRAY image as one baseline JPEG stream. */
    public byte[] encode(BufferedImage image) throws IOException {
        boolean gray = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
        IIOMetadata md = gray ? grayMetadata : colourMetadata;
        if (md == null) {
            md = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            if (!gray) {
                IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(NATIVE_FORMAT);
                NodeList comps = root.getElementsByTagName("componentSpec");
                for (int i = 0; i < comps.getLength(); i++) {
                    IIOMetadataNode c = (IIOMetadataNode) comps.item(i);
                    c.setAttribute("HsamplingFactor", "1");
                    c.setAttribute("VsamplingFactor", "1");
                }
                md.setFromTree(NATIVE_FORMAT, root);
                colourMetadata = md;
            } else {
                grayMetadata = md;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 4 + 1024);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, md), param);
        } finally {
            writer.setOutput(null);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        writer.dispose();
    }
}
