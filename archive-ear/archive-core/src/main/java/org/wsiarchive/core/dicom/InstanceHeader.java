package org.wsiarchive.core.dicom;

import com.pixelmed.dicom.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a Part 10 file (everything before Pixel Data), read once at ingest with PixelMed, with the values
 * the index needs. Pixel Data itself is never loaded here: its frames are located by the FrameIndexBuilder.
 */
public final class InstanceHeader {

    private final AttributeList attributes;
    private final String transferSyntaxUid;

    private InstanceHeader(AttributeList attributes, String transferSyntaxUid) {
        this.attributes = attributes;
        this.transferSyntaxUid = transferSyntaxUid;
    }

    /** Reads and validates the header of a DICOM Part 10 file. */
    public static InstanceHeader read(Path file) throws InvalidInstanceException {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toFile(), TagFromName.PixelData);
        } catch (DicomException | IOException | RuntimeException e) {
            throw new InvalidInstanceException("not a readable DICOM Part 10 object: " + describe(e), e);
        }
        String tsuid = string(list, TagFromName.TransferSyntaxUID);
        if (tsuid == null) {
            throw new InvalidInstanceException("not a DICOM Part 10 object: no File Meta Information (Transfer Syntax UID missing)");
        }
        InstanceHeader header = new InstanceHeader(list, tsuid);
        header.require(TagFromName.SOPClassUID, "SOP Class UID");
        header.require(TagFromName.SOPInstanceUID, "SOP Instance UID");
        header.require(TagFromName.StudyInstanceUID, "Study Instance UID");
        header.require(TagFromName.SeriesInstanceUID, "Series Instance UID");
        // A Media Storage SOP Instance UID that differs from the data set's is a producer defect seen in real
        // files (derived objects keeping their source's meta header); the data set's SOP Instance UID governs.
        return header;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private void require(AttributeTag tag, String name) throws InvalidInstanceException {
        String value = string(tag);
        if (value == null) {
            throw new InvalidInstanceException("missing " + name + " " + tag);
        }
        // longer than the standard's 64 characters is tolerated (real producers do it), anything but digits and dots is not
        if (value.length() > 128 || !value.matches("[0-9]+(\\.[0-9]+)*")) {
            throw new InvalidInstanceException("invalid " + name + " '" + value + "'");
        }
    }

    public AttributeList attributes() { return attributes; }
    public String transferSyntaxUid() { return transferSyntaxUid; }
    public String sopClassUid() { return string(TagFromName.SOPClassUID); }
    public String sopInstanceUid() { return string(TagFromName.SOPInstanceUID); }
    public String studyInstanceUid() { return string(TagFromName.StudyInstanceUID); }
    public String seriesInstanceUid() { return string(TagFromName.SeriesInstanceUID); }

    /** First value, trimmed, or null when absent or empty. */
    public String string(AttributeTag tag) {
        return string(attributes, tag);
    }

    /** All values joined with a backslash, or null when absent or empty. */
    public String strings(AttributeTag tag) {
        String v = Attribute.getDelimitedStringValuesOrNull(attributes, tag);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public Integer integer(AttributeTag tag) {
        String v = string(tag);
        if (v == null) return null;
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Long longValue(AttributeTag tag) {
        String v = string(tag);
        if (v == null) return null;
        try {
            return Long.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A value inside the first item of a top-level sequence, e.g. Issuer of Patient ID qualifiers. */
    public String stringInSequence(AttributeTag sequence, AttributeTag tag) {
        Attribute a = attributes.get(sequence);
        if (a instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0) {
            return string(seq.getItem(0).getAttributeList(), tag);
        }
        return null;
    }

    /** Specimen Description Sequence items: (identifier, uid) of each specimen on the slide. */
    public List<String[]> specimens() {
        List<String[]> out = new ArrayList<>();
        Attribute a = attributes.get(TagFromName.SpecimenDescriptionSequence);
        if (a instanceof SequenceAttribute seq) {
            for (int i = 0; i < seq.getNumberOfItems(); i++) {
                AttributeList item = seq.getItem(i).getAttributeList();
                String id = string(item, TagFromName.SpecimenIdentifier);
                if (id != null) {
                    out.add(new String[] {id, string(item, TagFromName.SpecimenUID)});
                }
            }
        }
        return out;
    }

    public static String string(AttributeList list, AttributeTag tag) {
        String v = Attribute.getSingleStringValueOrNull(list, tag);
        if (v == null) return null;
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    @Override
    public String toString() {
        return "InstanceHeader" + Arrays.asList(sopClassUid(), sopInstanceUid(), transferSyntaxUid);
    }
}
