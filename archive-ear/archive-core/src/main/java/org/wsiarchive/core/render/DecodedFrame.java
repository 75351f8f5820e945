package org.wsiarchive.core.render;

/**
 * One frame as pixels: samples interleaved (colour-by-pixel), little endian when 16 bits — exactly the bytes
 * Explicit VR Little Endian stores for that frame with Planar Configuration 0.
 *
 * @param photometricInterpretation of the decoded pixels: colour JPEG and JPEG 2000 frames decode to RGB whatever
 *                                  YBR flavour was stored; monochrome and palette stay as stored
 */
public record DecodedFrame(int columns, int rows, int samplesPerPixel, int bitsAllocated, int bitsStored,
                           boolean signed, String photometricInterpretation, byte[] data) {

    /** Sample {@code s} of pixel (x, y) as an int, sign-extended when signed. */
    public int sample(int x, int y, int s) {
        int i = (y * columns + x) * samplesPerPixel + s;
        if (bitsAllocated == 8) {
            return signed ? data[i] : data[i] & 0xFF;
        }
        int v = (data[2 * i] & 0xFF) | (data[2 * i + 1] & 0xFF) << 8;
        if (signed) {
            int shift = 32 - bitsStored;
            return (v << shift) >> shift;
        }
        return v & (bitsStored >= 16 ? 0xFFFF : (1 << bitsStored) - 1);
    }
}
