package org.wsiarchive.converter.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import java.math.BigDecimal;
import java.math.MathContext;

/** Small helpers to build PixelMed attribute lists by keyword. */
public final class Attrs {
    private Attrs() {
    }

    public static AttributeTag tag(String keyword) {
        AttributeTag t = AttributeList.getDictionary().getTagFromName(keyword);
        if (t == null) {
            throw new IllegalArgumentException("unknown DICOM keyword " + keyword);
        }
        return t;
    }

    public static boolean isKnownKeyword(String keyword) {
        return AttributeList.getDictionary().getTagFromName(keyword) != null;
    }

    /** Sets a string-valued attribute (any VR that takes strings); no values = empty (type 2). */
    public static void put(AttributeList l, String keyword, String... values) {
        try {
            Attribute a = AttributeFactory.newAttribute(tag(keyword));
            for (String v : values) {
                if (v != null) {
                    a.addValue(v);
                }
            }
            l.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException(keyword + ": " + e.getMessage(), e);
        }
    }

    public static void putInt(AttributeList l, String keyword, long... values) {
        try {
            Attribute a = AttributeFactory.newAttribute(tag(keyword));
            for (long v : values) {
                a.addValue(v);
            }
            l.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException(keyword + ": " + e.getMessage(), e);
        }
    }

    public static void putFloat(AttributeList l, String keyword, double... values) {
        try {
            Attribute a = AttributeFactory.newAttribute(tag(keyword));
            for (double v : values) {
                a.addValue(v);
            }
            l.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException(keyword + ": " + e.getMessage(), e);
        }
    }

    /** Decimal string values, formatted to fit the 16-character DS limit. */
    public static void putDs(AttributeList l, String keyword, double... values) {
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

    public static void putBytes(AttributeList l, String keyword, byte[] value) {
        try {
            OtherByteAttribute a = new OtherByteAttribute(tag(keyword));
            a.setValues(value);
            l.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException(keyword + ": " + e.getMessage(), e);
        }
    }

    public static void putTag(AttributeList l, String keyword, String valueKeyword) {
        try {
            AttributeTagAttribute a = new AttributeTagAttribute(tag(keyword));
            a.addValue(tag(valueKeyword));
            l.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException(keyword + ": " + e.getMessage(), e);
        }
    }

    /** Sequence with the given items (none = empty sequence, for type 2). */
    public static SequenceAttribute seq(AttributeList l, String keyword, AttributeList... items) {
        SequenceAttribute s = new SequenceAttribute(tag(keyword));
        for (AttributeList item : items) {
            s.addItem(item);
        }
        l.put(s);
        return s;
    }

    public static AttributeList item() {
        return new AttributeList();
    }

    /** Code Sequence Macro item. */
    public static AttributeList code(String value, String scheme, String meaning) {
        AttributeList c = new AttributeList();
        put(c, "CodeValue", value);
        put(c, "CodingSchemeDesignator", scheme);
        put(c, "CodeMeaning", meaning);
        return c;
    }
}
