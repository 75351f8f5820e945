package org.wsiarchive.core.render;

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits-coded segment per byte
 * plane (most significant byte of each sample first, samples in order). Small enough to decode here rather than
 * pull in a library.
 */
final class RleDecoder {

    private RleDecoder() {}

    static byte[] decode(byte[] frame, int rows, int columns, int samples, int bitsAllocated) throws NotDecodableException {
        if (frame.length < 64) throw new NotDecodableException("RLE frame shorter than its 64-byte header");
        int segments = intLe(frame, 0);
        int bytesPerSample = bitsAllocated / 8;
        if (segments != samples * bytesPerSample) {
            throw new NotDecodableException("RLE frame has " + segments + " segments, expected " + samples * bytesPerSample);
        }
        int pixels = rows * columns;
        byte[] out = new byte[pixels * samples * bytesPerSample];
        byte[] plane = new byte[pixels];
        for (int seg = 0; seg < segments; seg++) {
            int start = intLe(frame, 4 + 4 * seg);
            int end = seg + 1 < segments ? intLe(frame, 8 + 4 * seg) : frame.length;
            if (start < 64 || end > frame.length || end < start) {
                throw new NotDecodableException("RLE segment " + seg + " offsets out of range");
            }
            unpack(frame, start, end, plane);
            int sample = seg / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - seg % bytesPerSample; // MSB plane first, output little endian
            for (int p = 0; p < pixels; p++) {
                out[(p * samples + sample) * bytesPerSample + byteInSample] = plane[p];
            }
        }
        return out;
    }

    private static void unpack(byte[] in, int pos, int end, byte[] plane) {
        int o = 0;
        while (pos < end && o < plane.length) {
            int n = in[pos++];
            if (n >= 0) {
                int count = Math.min(n + 1, Math.min(plane.length - o, end - pos));
                System.arraycopy(in, pos, plane, o, count);
                pos += n + 1;
                o += count;
            } else if (n != -128) {
                if (pos >= end) break;
                byte b = in[pos++];
                int count = Math.min(1 - n, plane.length - o);
                java.util.Arrays.fill(plane, o, o + count, b);
                o += count;
            }
        }
    }

    private static int intLe(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
