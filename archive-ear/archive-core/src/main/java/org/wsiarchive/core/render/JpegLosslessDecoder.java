package org.wsiarchive.core.render;

import com.pixelmed.codec.jpeg.OutputArrayOrStream;
import com.pixelmed.codec.jpeg.Parse;

import java.io.ByteArrayInputStream;

/**
 * JPEG lossless, ITU-T T.81 process 14 with Huffman coding (DICOM 1.2.840.10008.1.2.4.57 and .70), by PixelMed's own
 * codec from Debian's libpixelmed-imageio-java ({@code com.pixelmed.codec.jpeg.Parse}), called directly rather than
 * through its ImageIO reader: the reader builds a single-band image, the codec gives every component, 2 to 16 bits.
 * <p>
 * The codec allocates its output from the SOF header, so the header is checked against the instance first: a
 * corrupt or hostile frame cannot make it allocate more than the frame the instance declares.
 */
final class JpegLosslessDecoder {

    /** SOF3: lossless, sequential, Huffman. The hierarchical and arithmetic-coded variants are not in DICOM's .57/.70. */
    private static final int SOF_LOSSLESS_HUFFMAN = 0xC3;

    private JpegLosslessDecoder() {}

    static LosslessSamples decode(ImageDescription d, byte[] frame) throws NotDecodableException {
        FrameDecoder.JpegMarkers m = FrameDecoder.scan(frame);
        if (m.sofType() != SOF_LOSSLESS_HUFFMAN) {
            throw new NotDecodableException(m.sofType() < 0 ? "JPEG lossless frame has no SOF marker"
                    : String.format("JPEG lossless frame has SOF marker %02X, expected C3 (process 14)", m.sofType()));
        }
        if (m.samplesPerLine() != d.columns() || m.lines() != d.rows() || m.componentIds().length != d.samplesPerPixel()) {
            throw new NotDecodableException("JPEG lossless frame is " + m.samplesPerLine() + "x" + m.lines() + " with "
                    + m.componentIds().length + " components, the instance declares " + d.columns() + "x" + d.rows()
                    + " with " + d.samplesPerPixel());
        }
        Parse.DecompressedOutput output = new Parse.DecompressedOutput(); // in memory, one array per component
        try {
            Parse.parse(new ByteArrayInputStream(frame), null, null, output);
        } catch (Exception e) {
            throw new NotDecodableException("JPEG lossless frame cannot be decoded: " + e, e);
        }
        OutputArrayOrStream[] planes = output.getDecompressedOutputPerComponent();
        int components = m.componentIds().length;
        int pixels = d.columns() * d.rows();
        boolean wide = m.precision() > 8;
        int bytes = wide ? 2 : 1;
        if (planes == null || planes.length != components) {
            throw new NotDecodableException("JPEG lossless frame decoded to " + (planes == null ? 0 : planes.length)
                    + " components, expected " + components);
        }
        byte[] out = new byte[pixels * components * bytes];
        for (int c = 0; c < components; c++) {
            if (wide) {
                short[] s = planes[c].getShortArray();
                if (s == null || s.length < pixels) throw incomplete(c);
                for (int p = 0, o = c * 2; p < pixels; p++, o += components * 2) {
                    out[o] = (byte) s[p];
                    out[o + 1] = (byte) (s[p] >> 8);
                }
            } else {
                byte[] b = planes[c].getByteArray();
                if (b == null || b.length < pixels) throw incomplete(c);
                for (int p = 0, o = c; p < pixels; p++, o += components) out[o] = b[p];
            }
        }
        return new LosslessSamples(d.columns(), d.rows(), components, m.precision(), out);
    }

    private static NotDecodableException incomplete(int component) {
        return new NotDecodableException("JPEG lossless frame: component " + component + " decoded incompletely"
                + " (subsampled components are not supported)");
    }
}
