package org.wsiarchive.core.render;

/**
 * What a lossless codec (JPEG lossless, JPEG-LS) hands back before {@link FrameDecoder} turns it into a
 * {@link DecodedFrame} of the instance: the frame's samples, components interleaved pixel by pixel, one byte per
 * sample up to 8 bits of precision, else two bytes little endian.
 */
record LosslessSamples(int columns, int rows, int components, int precision, byte[] interleaved) {

    int bytesPerSample() {
        return precision <= 8 ? 1 : 2;
    }

    /** Component planes (RRR…GGG…BBB…) to pixel-interleaved samples (RGBRGB…), {@code bytes} per sample. */
    static byte[] interleave(byte[] planes, int pixels, int components, int bytes) {
        if (components == 1) return planes;
        byte[] out = new byte[planes.length];
        for (int c = 0; c < components; c++) {
            for (int p = 0; p < pixels; p++) {
                System.arraycopy(planes, (c * pixels + p) * bytes, out, (p * components + c) * bytes, bytes);
            }
        }
        return out;
    }
}
