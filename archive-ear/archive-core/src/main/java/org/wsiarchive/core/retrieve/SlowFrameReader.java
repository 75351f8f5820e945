package org.wsiarchive.core.retrieve;

import com.pixelmed.dicom.*;
import org.wsiarchive.core.dicom.frames.FrameIndex;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Frames that cannot be read by position: a deflated data set must be inflated (PixelMed does it while reading),
 * and 1-bit frames that do not start on a byte boundary must be shifted out of the packed bit stream. Both are rare
 * (never whole-slide images), so parsing the file per request is acceptable here and nowhere else.
 */
final class SlowFrameReader {

    private SlowFrameReader() {}

    static byte[] frame(Path file, FrameIndex index, int frame) throws IOException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try {
            list.read(file.toFile());
        } catch (DicomException e) {
            throw new IOException("stored instance " + file + " cannot be read: " + e.getMessage(), e);
        }
        Attribute pixelData = list.get(TagFromName.PixelData);
        if (pixelData == null) {
            throw new IOException("stored instance " + file + " has no Pixel Data");
        }
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8);
        byte[] all = littleEndianBytes(pixelData);
        long frameBits = (long) rows * columns * samples * bits;
        if (frameBits % 8 == 0) {
            int size = (int) (frameBits / 8);
            byte[] out = new byte[size];
            System.arraycopy(all, frame * size, out, 0, size);
            return out;
        }
        // bit-packed: bit j of the frame is bit (start + j) of the value, least significant bit first (PS3.5 8.1.1)
        long start = frameBits * frame;
        byte[] out = new byte[(int) ((frameBits + 7) / 8)];
        for (long j = 0; j < frameBits; j++) {
            long bit = start + j;
            if (((all[(int) (bit >>> 3)] >>> (bit & 7)) & 1) != 0) {
                out[(int) (j >>> 3)] |= (byte) (1 << (j & 7));
            }
        }
        return out;
    }

    private static byte[] littleEndianBytes(Attribute pixelData) throws IOException {
        try {
            if (pixelData instanceof OtherWordAttribute) {
                short[] words = pixelData.getShortValues();
                byte[] out = new byte[words.length * 2];
                for (int k = 0; k < words.length; k++) {
                    out[2 * k] = (byte) words[k];
                    out[2 * k + 1] = (byte) (words[k] >> 8);
                }
                return out;
            }
            return pixelData.getByteValues();
        } catch (DicomException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
