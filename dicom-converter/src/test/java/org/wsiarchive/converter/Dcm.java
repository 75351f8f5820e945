package org.wsiarchive.converter;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;

/** Keyword-based access to PixelMed attribute lists in tests. */
final class Dcm {
    private Dcm() {
    }

    static AttributeTag tag(String kw) {
        return AttributeList.getDictionary().getTagFromName(kw);
    }

    static String str(AttributeList l, String kw) {
        Attribute a = l.get(tag(kw));
        return a == null ? null : a.getDelimitedStringValuesOrEmptyString();
    }

    static double[] doubles(AttributeList l, String kw) throws Exception {
        Attribute a = l.get(tag(kw));
        return a == null ? null : a.getDoubleValues();
    }

    static long lng(AttributeList l, String kw) throws Exception {
        return l.get(tag(kw)).getLongValues()[0];
    }

    static AttributeList item(AttributeList l, String seqKw) {
        SequenceAttribute s = (SequenceAttribute) l.get(tag(seqKw));
        return s == null || s.getNumberOfItems() == 0 ? null : s.getItem(0).getAttributeList();
    }

    static int items(AttributeList l, String seqKw) {
        SequenceAttribute s = (SequenceAttribute) l.get(tag(seqKw));
        return s == null ? -1 : s.getNumberOfItems();
    }
}
