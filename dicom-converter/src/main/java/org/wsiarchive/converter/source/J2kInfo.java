package org.wsiarchive.converter.source;

/** Image size, components and coding style from the SIZ and COD markers of a JPEG 2000 codestream. */
public record J2kInfo(int width, int height, int components, boolean mct, boolean reversible) {

    /** Parses the main header; returns null if the bytes are not a raw J2K codestream (SOC, SIZ ...). */
    public static J2kInfo parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0x4F) {
            return null;
        }
        int p = 2;
        int w = -1;
        int h = -1;
        int nc = -1;
        Boolean mct = null;
        Boolean rev = null;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[p + 1] & 0xFF;
            int len = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            if (marker == 0x90 || marker == 0x93) {
                break; // SOT / SOD: end of the main header
            }
            if (p + 2 + len > b.length) {
                break;
            }
            if (marker == 0x51) { // SIZ
                int q = p + 4;
                long xsiz = u32(b, q + 2);
                long ysiz = u32(b, q + 6);
                long xo = u32(b, q + 10);
                long yo = u32(b, q + 14);
                w = (int) (xsiz - xo);
                h = (int) (ysiz - yo);
                nc = ((b[q + 34] & 0xFF) << 8) | (b[q + 35] & 0xFF);
            } else if (marker == 0x52) { // COD
                int q = p + 4;
                mct = (b[q + 4] & 0xFF) != 0;
                rev = (b[q + 9] & 0xFF) == 1;
            }
            p += 2 + len;
        }
        if (w <= 0 || h <= 0 || nc <= 0 || mct == null) {
            return null;
        }
        return new J2kInfo(w, h, nc, mct, rev);
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
