package org.wsiarchive.converter.jpeg;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes a tile of one uniform colour as a baseline JPEG that reuses the header of a real tile of the same level:
 * its quantisation and Huffman tables, component ids, sampling factors, colour signalling (Adobe/JFIF) and size. A
 * frame filled in for a missing source tile then looks to a decoder exactly like its neighbours.
 *
 * <p>Why not the JDK's JPEG writer: it derives the colour transform and sampling from its own metadata model and
 * cannot be told to write RGB-coded (untransformed) components with an arbitrary component-id set, as Aperio or
 * Philips tiles have. A uniform tile needs no DCT at all: every block has the same DC coefficient and no AC
 * coefficients, so the entropy-coded data is just the first DC difference, zero differences and end-of-block codes.
 */
public final class UniformJpegTile {
    private UniformJpegTile() {
    }

    /**
     * @param reference a complete baseline JPEG tile of the level (tables included)
     * @param sampleValues the value of every sample, per component in SOF order (e.g. 255/128/128 for YCbCr white)
     * @return a complete JPEG stream (SOI ... EOI) of the reference's size
     * @throws IllegalArgumentException if the reference is not baseline or its Huffman tables lack a needed code
     */
    public static byte[] encode(byte[] reference, int[] sampleValues) {
        JpegStreams.Header h = JpegStreams.parseHeader(reference);
        JpegStreams.FrameInfo f = JpegStreams.frameInfo(reference, h);
        if (f.sofMarker() != 0xC0) {
            throw new IllegalArgumentException("reference tile is not baseline JPEG");
        }
        int[][] quant = new int[4][];
        Map<Integer, Map<Integer, int[]>> huffman = new HashMap<>(); // (class << 4 | id) -> symbol -> {code, length}
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        int[] sofSampling = null;
        int[] sofQuant = null;
        int[] scanComponents = null;
        int[] scanTables = null;
        for (JpegStreams.Segment s : h.segments()) {
            int m = s.marker();
            int p = s.offset() + 4; // after marker and length
            int end = s.offset() + s.length();
            switch (m) {
                case 0xD8, 0xDD -> {
                    continue; // SOI written above; no restart interval in a single-tile stream
                }
                case 0xDB -> {
                    while (p < end) {
                        int pq = (reference[p] & 0xFF) >> 4;
                        int tq = reference[p] & 0x0F;
                        // only the DC entry (first in zig-zag order) matters for a uniform block
                        quant[tq] = new int[] {pq == 0 ? reference[p + 1] & 0xFF
                                : ((reference[p + 1] & 0xFF) << 8) | (reference[p + 2] & 0xFF)};
                        p += 1 + (pq == 0 ? 64 : 128);
                    }
                }
                case 0xC4 -> {
                    while (p < end) {
                        int tcTh = reference[p] & 0xFF;
                        int total = 0;
                        for (int i = 1; i <= 16; i++) {
                            total += reference[p + i] & 0xFF;
                        }
                        Map<Integer, int[]> codes = new HashMap<>();
                        int code = 0;
                        int v = p + 17;
                        for (int len = 1; len <= 16; len++) {
                            for (int n = 0; n < (reference[p + len] & 0xFF); n++) {
                                codes.put(reference[v++] & 0xFF, new int[] {code, len});
                                code++;
                            }
                            code <<= 1;
                        }
                        huffman.put(tcTh, codes);
                        p += 17 + total;
                    }
                }
                case 0xC0 -> {
                    int nc = reference[p + 5] & 0xFF;
                    sofSampling = new int[nc];
                    sofQuant = new int[nc];
                    for (int c = 0; c < nc; c++) {
                        sofSampling[c] = reference[p + 7 + 3 * c] & 0xFF;
                        sofQuant[c] = reference[p + 8 + 3 * c] & 0xFF;
                    }
                }
                case 0xDA -> {
                    int ns = reference[p] & 0xFF;
                    scanComponents = new int[ns];
                    scanTables = new int[ns];
                    for (int i = 0; i < ns; i++) {
                        scanComponents[i] = reference[p + 1 + 2 * i] & 0xFF;
                        scanTables[i] = reference[p + 2 + 2 * i] & 0xFF;
                    }
                }
                default -> {
                }
            }
            out.write(reference, s.offset(), s.length());
        }
        if (sofSampling == null || scanComponents == null) {
            throw new IllegalArgumentException("reference tile has no SOF0/SOS");
        }
        int nc = sofSampling.length;
        if (scanComponents.length != nc || sampleValues.length != nc) {
            throw new IllegalArgumentException("reference tile scan covers " + scanComponents.length + " of " + nc
                    + " components (progressive or multi-scan streams are not supported)");
        }
        int[] componentIndex = new int[nc];
        for (int i = 0; i < nc; i++) {
            componentIndex[i] = -1;
            for (int c = 0; c < nc; c++) {
                if (f.componentIds()[c] == scanComponents[i]) {
                    componentIndex[i] = c;
                }
            }
            if (componentIndex[i] < 0) {
                throw new IllegalArgumentException("scan names an unknown component " + scanComponents[i]);
            }
        }
        BitWriter bits = new BitWriter(out);
        int[] dc = new int[nc];
        int[] predictor = new int[nc];
        for (int i = 0; i < nc; i++) {
            int c = componentIndex[i];
            int[] q = quant[sofQuant[c]];
            if (q == null) {
                throw new IllegalArgumentException("quantisation table " + sofQuant[c] + " missing");
            }
            // level shift by 128, DCT DC gain 8, then quantise (rounded as an encoder would)
            dc[i] = Math.round((sampleValues[c] - 128) * 8f / q[0]);
        }
        long mcus;
        if (nc == 1) {
            // non-interleaved scan: one 8x8 block per data unit regardless of sampling factors
            mcus = (long) ((f.width() + 7) / 8) * ((f.height() + 7) / 8);
        } else {
            mcus = (long) ((f.width() + 8 * f.maxH() - 1) / (8 * f.maxH())) * ((f.height() + 8 * f.maxV() - 1) / (8 * f.maxV()));
        }
        for (long mcu = 0; mcu < mcus; mcu++) {
            for (int i = 0; i < nc; i++) {
                int c = componentIndex[i];
                long blocksPerMcu = nc == 1 ? 1 : (long) (sofSampling[c] >> 4) * (sofSampling[c] & 15);
                Map<Integer, int[]> dcTable = huffman.get(scanTables[i] >> 4);
                Map<Integer, int[]> acTable = huffman.get(0x10 | (scanTables[i] & 15));
                if (dcTable == null || acTable == null) {
                    throw new IllegalArgumentException("Huffman table missing for component " + scanComponents[i]);
                }
                for (long b = 0; b < blocksPerMcu; b++) {
                    int diff = dc[i] - predictor[i];
                    predictor[i] = dc[i];
                    int magnitude = Math.abs(diff);
                    int category = magnitude == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(magnitude);
                    bits.write(code(dcTable, category));
                    if (category > 0) {
                        // negative differences are sent as diff - 1 in the low bits (one's complement)
                        bits.write(new int[] {(diff > 0 ? diff : diff - 1) & ((1 << category) - 1), category});
                    }
                    bits.write(code(acTable, 0x00)); // end of block: all AC coefficients zero
                }
            }
        }
        bits.flush();
        out.write(0xFF);
        out.write(0xD9);
        return out.toByteArray();
    }

    private static int[] code(Map<Integer, int[]> table, int symbol) {
        int[] c = table.get(symbol);
        if (c == null) {
            throw new IllegalArgumentException("the level's Huffman table has no code for symbol 0x"
                    + Integer.toHexString(symbol));
        }
        return c;
    }

    /** Entropy-coded segment writer: MSB first, 0xFF stuffed with 0x00, final byte padded with 1 bits. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out;
        private int buffer;
        private int count;

        BitWriter(ByteArrayOutputStream out) {
            this.out = out;
        }

        void write(int[] codeAndLength) {
            int code = codeAndLength[0];
            for (int i = codeAndLength[1] - 1; i >= 0; i--) {
                buffer = (buffer << 1) | ((code >> i) & 1);
                if (++count == 8) {
                    emit();
                }
            }
        }

        private void emit() {
            out.write(buffer);
            if (buffer == 0xFF) {
                out.write(0x00);
            }
            buffer = 0;
            count = 0;
        }

        void flush() {
            if (count > 0) {
                buffer = (buffer << (8 - count)) | ((1 << (8 - count)) - 1);
                emit();
            }
        }
    }
}
