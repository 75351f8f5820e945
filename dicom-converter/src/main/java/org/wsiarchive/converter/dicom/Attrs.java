package org.wsiarchive.converter.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DateTimeAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FloatSingleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.LongTextAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.ShortTextAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnlimitedTextAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Small helpers to build PixelMed {@link AttributeList}s: one method per value representation, each creating the
 * matching PixelMed attribute class for a tag (TagFromName constants or {@link WsiTags}). The VR is chosen by the
 * caller, so building a header needs no dictionary look-up. Text values (SH, LO, PN, ST, LT, UT) are encoded as
 * UTF-8 (ISO_IR 192, declared by the writer when a value is not ASCII; ASCII text encodes the same either way).
 */
public final class Attrs {
    private Attrs() {
    }

    private static final SpecificCharacterSet UTF8 = new SpecificCharacterSet(new String[] {"ISO_IR 192"});

    private static void strings(AttributeList l, Attribute a, String... values) {
        try {
            for (String v : values) {
                if (v != null) {
                    a.addValue(v);
                }
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException(a.getTag() + ": " + e.getMessage(), e);
        }
        l.put(a);
    }

    /** UI; no values = empty (type 2) for this and the other string VRs. */
    public static void ui(AttributeList l, AttributeTag t, String... values) {
        strings(l, new UniqueIdentifierAttribute(t), values);
    }

    public static void cs(AttributeList l, AttributeTag t, String... values) {
        strings(l, new CodeStringAttribute(t), values);
    }

    public static void sh(AttributeList l, AttributeTag t, String... values) {
        strings(l, new ShortStringAttribute(t, UTF8), values);
    }

    public static void lo(AttributeList l, AttributeTag t, String... values) {
        strings(l, new LongStringAttribute(t, UTF8), values);
    }

    public static void pn(AttributeList l, AttributeTag t, String... values) {
        strings(l, new PersonNameAttribute(t, UTF8), values);
    }

    public static void st(AttributeList l, AttributeTag t, String... values) {
        strings(l, new ShortTextAttribute(t, UTF8), values);
    }

    public static void lt(AttributeList l, AttributeTag t, String... values) {
        strings(l, new LongTextAttribute(t, UTF8), values);
    }

    public static void ut(AttributeList l, AttributeTag t, String... values) {
        strings(l, new UnlimitedTextAttribute(t, UTF8), values);
    }

    public static void da(AttributeList l, AttributeTag t, String... values) {
        strings(l, new DateAttribute(t), values);
    }

    public static void tm(AttributeList l, AttributeTag t, String... values) {
        strings(l, new TimeAttribute(t), values);
    }

    public static void dt(AttributeList l, AttributeTag t, String... values) {
        strings(l, new DateTimeAttribute(t), values);
    }

    /** IS, written as the decimal integer. */
    public static void is(AttributeList l, AttributeTag t, long... values) {
        String[] s = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = Long.toString(values[i]);
        }
        strings(l, new IntegerStringAttribute(t), s);
    }

    /** IS given as text (e.g. a metadata value already validated as an integer string). */
    public static void is(AttributeList l, AttributeTag t, String... values) {
        strings(l, new IntegerStringAttribute(t), values);
    }

    /** DS, each value formatted by {@link #ds(double)} to fit the 16-character limit. */
    public static void ds(AttributeList l, AttributeTag t, double... values) {
        String[] s = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = ds(values[i]);
        }
        strings(l, new DecimalStringAttribute(t), s);
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

    public static void us(AttributeList l, AttributeTag t, int... values) {
        Attribute a = new UnsignedShortAttribute(t);
        try {
            for (int v : values) {
                a.addValue(v);
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException(t + ": " + e.getMessage(), e);
        }
        l.put(a);
    }

    public static void ul(AttributeList l, AttributeTag t, long... values) {
        Attribute a = new UnsignedLongAttribute(t);
        try {
            for (long v : values) {
                a.addValue(v);
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException(t + ": " + e.getMessage(), e);
        }
        l.put(a);
    }

    public static void fl(AttributeList l, AttributeTag t, double... values) {
        Attribute a = new FloatSingleAttribute(t);
        try {
            for (double v : values) {
                a.addValue((float) v);
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException(t + ": " + e.getMessage(), e);
        }
        l.put(a);
    }

    public static void ob(AttributeList l, AttributeTag t, byte[] value) {
        OtherByteAttribute a = new OtherByteAttribute(t);
        try {
            a.setValues(value);
        } catch (DicomException e) {
            throw new IllegalArgumentException(t + ": " + e.getMessage(), e);
        }
        l.put(a);
    }

    /** AT: the tag of another attribute. */
    public static void at(AttributeList l, AttributeTag t, AttributeTag value) {
        AttributeTagAttribute a = new AttributeTagAttribute(t);
        try {
            a.addValue(value);
        } catch (DicomException e) {
            throw new IllegalArgumentException(t + ": " + e.getMessage(), e);
        }
        l.put(a);
    }

    /** Sequence with the given items (none = empty sequence, for type 2). */
    public static SequenceAttribute seq(AttributeList l, AttributeTag t, AttributeList... items) {
        SequenceAttribute s = new SequenceAttribute(t);
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
        sh(c, com.pixelmed.dicom.TagFromName.CodeValue, value);
        sh(c, com.pixelmed.dicom.TagFromName.CodingSchemeDesignator, scheme);
        lo(c, com.pixelmed.dicom.TagFromName.CodeMeaning, meaning);
        return c;
    }
}
