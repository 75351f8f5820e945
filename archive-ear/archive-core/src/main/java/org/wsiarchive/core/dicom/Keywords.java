package org.wsiarchive.core.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;

import java.util.Map;

/**
 * DICOM keywords and VRs: PixelMed's dictionary, plus the attributes newer than its 2022 dictionary that
 * DICOMweb clients use (a valid key must never be refused).
 */
public final class Keywords {

    public static final AttributeTag AVAILABLE_TRANSFER_SYNTAX_UID = new AttributeTag(0x0008, 0x3002);
    public static final AttributeTag RETRIEVE_URL = new AttributeTag(0x0008, 0x1190);
    public static final AttributeTag FAILURE_REASON = new AttributeTag(0x0008, 0x1197);
    public static final AttributeTag FAILED_SOP_SEQUENCE = new AttributeTag(0x0008, 0x1198);

    private record Entry(AttributeTag tag, String vr) {}

    private static final Map<String, Entry> SUPPLEMENT = Map.of(
            "AvailableTransferSyntaxUID", new Entry(AVAILABLE_TRANSFER_SYNTAX_UID, "UI"),
            "RetrieveURL", new Entry(RETRIEVE_URL, "UR"),
            "FailureReason", new Entry(FAILURE_REASON, "US"),
            "FailedSOPSequence", new Entry(FAILED_SOP_SEQUENCE, "SQ"));

    private Keywords() {}

    /** The tag of a keyword, or null when unknown. */
    public static AttributeTag tag(String keyword) {
        Entry e = SUPPLEMENT.get(keyword);
        return e != null ? e.tag() : AttributeList.getDictionary().getTagFromName(keyword);
    }

    public static String keyword(AttributeTag tag) {
        for (Map.Entry<String, Entry> e : SUPPLEMENT.entrySet()) {
            if (e.getValue().tag().equals(tag)) return e.getKey();
        }
        String name = AttributeList.getDictionary().getNameFromTag(tag);
        return name != null ? name : tag.toString();
    }

    /** The VR of a tag as PixelMed wants it (two ASCII bytes), or null when unknown. */
    public static byte[] vr(AttributeTag tag) {
        for (Entry e : SUPPLEMENT.values()) {
            if (e.tag().equals(tag)) return e.vr().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return AttributeList.getDictionary().getValueRepresentationFromTag(tag);
    }
}
