package org.wsiarchive.converter.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A DICOM data set (or sequence item) built by the converter and encoded as Explicit VR Little Endian by our own
 * code: elements sorted by tag, sequences and items with undefined length. Only what the writer needs; reading
 * DICOM is left to the tests (PixelMed) and peers.
 */
public final class DataSet {

    /** One element: tag, VR and encoded value (already padded to even length), or the items of a sequence. */
    record Element(int tag, String vr, byte[] value, List<DataSet> items) {
    }

    private final TreeMap<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);

    void put(Element e) {
        elements.put(e.tag(), e);
    }

    public boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    public Map<Integer, Element> elements() {
        return elements;
    }

    private static final java.util.Set<String> LONG_VRS =
            java.util.Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");

    /** Writes the elements whose group satisfies {@code groupTwo} (true: only group 0002, false: all others). */
    void write(OutputStream out, boolean groupTwo) throws IOException {
        for (Element e : elements.values()) {
            if (((e.tag() >>> 16) == 2) == groupTwo) {
                writeElement(out, e);
            }
        }
    }

    static void writeElement(OutputStream out, Element e) throws IOException {
        tag(out, e.tag());
        out.write(e.vr().charAt(0));
        out.write(e.vr().charAt(1));
        if (e.vr().equals("SQ")) {
            out.write(0);
            out.write(0);
            le32(out, 0xFFFFFFFF);
            for (DataSet item : e.items()) {
                tag(out, 0xFFFEE000);
                le32(out, 0xFFFFFFFF);
                item.write(out, false);
                tag(out, 0xFFFEE00D);
                le32(out, 0);
            }
            tag(out, 0xFFFEE0DD);
            le32(out, 0);
            return;
        }
        int len = e.value().length;
        if (LONG_VRS.contains(e.vr())) {
            out.write(0);
            out.write(0);
            le32(out, len);
        } else {
            if (len > 0xFFFF) {
                throw new IllegalArgumentException("value of " + String.format("(%04X,%04X)", e.tag() >>> 16,
                        e.tag() & 0xFFFF) + " too long for VR " + e.vr());
            }
            out.write(len & 0xFF);
            out.write(len >>> 8);
        }
        out.write(e.value());
    }

    static void tag(OutputStream out, int tag) throws IOException {
        int g = tag >>> 16;
        int el = tag & 0xFFFF;
        out.write(g & 0xFF);
        out.write(g >>> 8);
        out.write(el & 0xFF);
        out.write(el >>> 8);
    }

    static void le32(OutputStream out, int v) throws IOException {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 24) & 0xFF);
    }

    /**
     * Part 10 file start: 128-byte preamble, "DICM", the group 0002 elements preceded by their group length, then
     * the data set.
     */
    public void writePart10(OutputStream out) throws IOException {
        out.write(new byte[128]);
        out.write(new byte[] {'D', 'I', 'C', 'M'});
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        for (Element e : elements.values()) {
            if ((e.tag() >>> 16) == 2 && e.tag() != 0x00020000) {
                writeElement(meta, e);
            }
        }
        byte[] gl = new byte[4];
        int n = meta.size();
        gl[0] = (byte) n;
        gl[1] = (byte) (n >>> 8);
        gl[2] = (byte) (n >>> 16);
        gl[3] = (byte) (n >>> 24);
        writeElement(out, new Element(0x00020000, "UL", gl, null));
        meta.writeTo(out);
        write(out, false);
    }

    static List<DataSet> list(DataSet... items) {
        return new ArrayList<>(List.of(items));
    }
}
