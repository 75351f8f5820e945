package org.wsiarchive.core.dicom.frames;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes small synthetic Part 10 files (Explicit or Implicit VR Little Endian) for structural tests: arbitrary
 * fragments, offset tables, nested undefined-length sequences. Test-only, deliberately minimal.
 */
final class SyntheticPart10 {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean explicit;
    /** Value offset of every fragment written (for assertions). */
    final java.util.List<Long> fragmentValueOffsets = new java.util.ArrayList<>();

    SyntheticPart10(String transferSyntax, boolean explicit) {
        this.explicit = explicit;
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        explicitLE(meta, 0x0002, 0x0001, "OB", new byte[]{0, 1});
        explicitLE(meta, 0x0002, 0x0002, "UI", ui("1.2.840.10008.5.1.4.1.1.77.1.6"));
        explicitLE(meta, 0x0002, 0x0003, "UI", ui("1.2.3.4.5.6.7"));
        explicitLE(meta, 0x0002, 0x0010, "UI", ui(transferSyntax));
        explicitLE(meta, 0x0002, 0x0012, "UI", ui("1.2.3.4"));
        explicitLE(out, 0x0002, 0x0000, "UL", le32(meta.size()));
        out.writeBytes(meta.toByteArray());
    }

    static byte[] ui(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
    }

    static byte[] cs(String s) {
        return (s.length() % 2 == 0 ? s : s + " ").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] le16(int v) {
        return new byte[]{(byte) v, (byte) (v >> 8)};
    }

    static byte[] le32(long v) {
        return new byte[]{(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static byte[] le64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >> (8 * i));
        }
        return b;
    }

    static void explicitLE(ByteArrayOutputStream o, int g, int e, String vr, byte[] value) {
        o.writeBytes(le16(g));
        o.writeBytes(le16(e));
        o.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (List.of("OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UN", "UT", "UC", "UR", "SV", "UV").contains(vr)) {
            o.writeBytes(new byte[2]);
            o.writeBytes(le32(value.length));
        } else {
            o.writeBytes(le16(value.length));
        }
        o.writeBytes(value);
    }

    SyntheticPart10 element(int g, int e, String vr, byte[] value) {
        if (explicit) {
            explicitLE(out, g, e, vr, value);
        } else {
            out.writeBytes(le16(g));
            out.writeBytes(le16(e));
            out.writeBytes(le32(value.length));
            out.writeBytes(value);
        }
        return this;
    }

    /** SOP class/instance plus the image pixel module. */
    SyntheticPart10 image(int frames, int rows, int cols, int spp, int bits, String photometric) {
        element(0x0008, 0x0016, "UI", ui("1.2.840.10008.5.1.4.1.1.77.1.6"));
        element(0x0008, 0x0018, "UI", ui("1.2.3.4.5.6.7"));
        element(0x0028, 0x0002, "US", le16(spp));
        element(0x0028, 0x0004, "CS", cs(photometric));
        element(0x0028, 0x0008, "IS", cs(Integer.toString(frames)));
        element(0x0028, 0x0010, "US", le16(rows));
        element(0x0028, 0x0011, "US", le16(cols));
        element(0x0028, 0x0100, "US", le16(bits));
        element(0x0028, 0x0101, "US", le16(bits));
        element(0x0028, 0x0102, "US", le16(bits - 1));
        element(0x0028, 0x0103, "US", le16(0));
        return this;
    }

    /** Icon Image Sequence (0088,0200), undefined length, one undefined-length item holding a nested Pixel Data. */
    SyntheticPart10 iconSequenceWithNestedPixelData() {
        header(0x0088, 0x0200, "SQ", 0xFFFFFFFFL);
        out.writeBytes(le16(0xFFFE));
        out.writeBytes(le16(0xE000));
        out.writeBytes(le32(0xFFFFFFFFL));
        element(0x0028, 0x0010, "US", le16(2));
        element(0x0028, 0x0011, "US", le16(2));
        element(0x7FE0, 0x0010, "OB", new byte[]{1, 2, 3, 4});
        out.writeBytes(le16(0xFFFE));
        out.writeBytes(le16(0xE00D));
        out.writeBytes(le32(0));
        // a second, defined-length item
        out.writeBytes(le16(0xFFFE));
        out.writeBytes(le16(0xE000));
        out.writeBytes(le32(10));
        element(0x0028, 0x0010, "US", le16(2));
        out.writeBytes(le16(0xFFFE));
        out.writeBytes(le16(0xE0DD));
        out.writeBytes(le32(0));
        return this;
    }

    void header(int g, int e, String vr, long len) {
        out.writeBytes(le16(g));
        out.writeBytes(le16(e));
        if (explicit) {
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(new byte[2]);
        }
        out.writeBytes(le32(len));
    }

    /** Encapsulated Pixel Data: BOT entries (may be empty), then the fragments, then the sequence delimiter. */
    SyntheticPart10 encapsulated(long[] bot, List<byte[]> fragments, boolean delimiter) {
        header(0x7FE0, 0x0010, "OB", 0xFFFFFFFFL);
        item(bot.length * 4L);
        for (long o : bot) {
            out.writeBytes(le32(o));
        }
        for (byte[] f : fragments) {
            item(f.length);
            fragmentValueOffsets.add((long) out.size());
            out.writeBytes(f);
        }
        if (delimiter) {
            out.writeBytes(le16(0xFFFE));
            out.writeBytes(le16(0xE0DD));
            out.writeBytes(le32(0));
        }
        return this;
    }

    void item(long len) {
        out.writeBytes(le16(0xFFFE));
        out.writeBytes(le16(0xE000));
        out.writeBytes(le32(len));
    }

    /** Extended Offset Table (7FE0,0001) and lengths (7FE0,0002), OV. */
    SyntheticPart10 extendedOffsetTable(long[] offsets, long[] lengths) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        for (long o : offsets) {
            a.writeBytes(le64(o));
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long l : lengths) {
            b.writeBytes(le64(l));
        }
        element(0x7FE0, 0x0001, "OV", a.toByteArray());
        element(0x7FE0, 0x0002, "OV", b.toByteArray());
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
