package org.wsiarchive.converter.dicom;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Small helpers to build {@link DataSet}s by keyword, encoding values for their VR (Explicit VR Little Endian). */
public final class Attrs {
    private Attrs() {
    }

    public static boolean isKnownKeyword(String keyword) {
        return Dictionary.contains(keyword);
    }

    /** Sets a string-valued attribute (any VR that takes strings); no values = empty (type 2). */
    public static void put(DataSet l, String keyword, String... values) {
        Dictionary.Entry d = Dictionary.get(keyword);
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (String v : values) {
            if (v == null) {
                continue;
            }
            if (!first) {
                sb.append('\\');
            }
            sb.append(v);
            first = false;
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        if ((b.length & 1) != 0) {
            byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
            p[b.length] = d.vr().equals("UI") ? 0 : (byte) ' ';
            b = p;
        }
        l.put(new DataSet.Element(d.tag(), d.vr(), b, null));
    }

    public static void putInt(DataSet l, String keyword, long... values) {
        Dictionary.Entry d = Dictionary.get(keyword);
        switch (d.vr()) {
            case "US", "SS" -> {
                ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                for (long v : values) {
                    b.putShort((short) v);
                }
                l.put(new DataSet.Element(d.tag(), d.vr(), b.array(), null));
            }
            case "UL", "SL" -> {
                ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                for (long v : values) {
                    b.putInt((int) v);
                }
                l.put(new DataSet.Element(d.tag(), d.vr(), b.array(), null));
            }
            default -> {
                String[] s = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    s[i] = Long.toString(values[i]);
                }
                put(l, keyword, s);
            }
        }
    }

    public static void putFloat(DataSet l, String keyword, double... values) {
        Dictionary.Entry d = Dictionary.get(keyword);
        ByteBuffer b;
        if (d.vr().equals("FL")) {
            b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                b.putFloat((float) v);
            }
        } else if (d.vr().equals("FD")) {
            b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                b.putDouble(v);
            }
        } else {
            putDs(l, keyword, values);
            return;
        }
        l.put(new DataSet.Element(d.tag(), d.vr(), b.array(), null));
    }

    /** Decimal string values, formatted to fit the 16-character DS limit. */
    public static void putDs(DataSet l, String keyword, double... values) {
        String[] s = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = ds(values[i]);
        }
        put(l, keyword, s);
    }

    public static String ds(double v) {
        if (v == 0) {
            return "0";
        }
        for (int digits = 15; digits > 0; digits--) {
            String s = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
            if (s.length() > 16) {
                s = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toString();
            }
            if (s.length() <= 16) {
                return s;
            }
        }
        throw new IllegalArgumentException("cannot format " + v + " as DS");
    }

    public static void putBytes(DataSet l, String keyword, byte[] value) {
        Dictionary.Entry d = Dictionary.get(keyword);
        byte[] b = (value.length & 1) != 0 ? java.util.Arrays.copyOf(value, value.length + 1) : value.clone();
        l.put(new DataSet.Element(d.tag(), d.vr(), b, null));
    }

    /** AT value: the tag of another keyword. */
    public static void putTag(DataSet l, String keyword, String valueKeyword) {
        Dictionary.Entry d = Dictionary.get(keyword);
        int t = Dictionary.get(valueKeyword).tag();
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (t >>> 16)).putShort((short) t);
        l.put(new DataSet.Element(d.tag(), d.vr(), b.array(), null));
    }

    /** Sequence with the given items (none = empty sequence, for type 2). */
    public static void seq(DataSet l, String keyword, DataSet... items) {
        Dictionary.Entry d = Dictionary.get(keyword);
        if (!d.vr().equals("SQ")) {
            throw new IllegalArgumentException(keyword + " is not a sequence");
        }
        l.put(new DataSet.Element(d.tag(), "SQ", null, DataSet.list(items)));
    }

    public static DataSet item() {
        return new DataSet();
    }

    /** Code Sequence Macro item. */
    public static DataSet code(String value, String scheme, String meaning) {
        DataSet c = new DataSet();
        put(c, "CodeValue", value);
        put(c, "CodingSchemeDesignator", scheme);
        put(c, "CodeMeaning", meaning);
        return c;
    }
}
