package org.wsiarchive.core.dicom.json;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Reads DICOM JSON Model objects (PS3.18 Annex F.2) into PixelMed {@link AttributeList}s: the inverse of
 * {@link DicomJsonWriter}, for STOW-RS requests whose metadata comes as {@code application/dicom+json}.
 *
 * <p>Strictness: keys must be 8 hex digits, every attribute must have a known "vr", and at most one of "Value",
 * "BulkDataURI", "InlineBinary"; anything else is a {@link DicomJsonException} naming the offending path. JSON
 * strings are Unicode, so string values are encoded as UTF-8 in the resulting data set and a present Specific
 * Character Set is replaced by ISO_IR 192 (a non-ASCII value without one gets ISO_IR 192 too). BulkDataURIs are
 * not resolved here: each one is handed to the caller's {@link BulkDataResolver}, which supplies the value (or
 * leaves Pixel Data to be written separately, see {@link #read}).
 */
public final class DicomJsonReader {

    /** Supplies the value behind a BulkDataURI. */
    public interface BulkDataResolver {
        /**
         * @param path the attribute's position, e.g. [7FE00010]
         * @param vr   its VR from the JSON
         * @param uri  the BulkDataURI as given
         * @return the little-endian value bytes, or null to leave the attribute out of the list (the caller takes
         * care of it, as for Pixel Data that is streamed from a file)
         * @throws DicomJsonException when the URI cannot be resolved
         */
        byte[] resolve(BulkDataPath path, String vr, String uri) throws DicomJsonException;
    }

    /** The JSON is not a valid DICOM JSON Model object, or a BulkDataURI cannot be resolved. */
    public static final class DicomJsonException extends Exception {
        public DicomJsonException(String message) {
            super(message);
        }

        public DicomJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final SpecificCharacterSet UTF8 = new SpecificCharacterSet(new String[]{"ISO_IR 192"});

    private final BulkDataResolver resolver;

    public DicomJsonReader(BulkDataResolver resolver) {
        this.resolver = resolver;
    }

    /** One data set (a JSON object of attributes). */
    public AttributeList read(JsonObject dataset) throws DicomJsonException {
        AttributeList list = readAttributes(dataset, BulkDataPath.ROOT);
        boolean hasCharset = list.get(new AttributeTag(0x0008, 0x0005)) != null;
        if (hasCharset || containsNonAscii(dataset)) {
            try {
                Attribute cs = AttributeFactory.newAttribute(new AttributeTag(0x0008, 0x0005), "CS".getBytes(StandardCharsets.US_ASCII));
                cs.addValue("ISO_IR 192");
                list.put(cs);
            } catch (DicomException e) {
                throw new DicomJsonException("cannot set Specific Character Set", e);
            }
        }
        return list;
    }

    private AttributeList readAttributes(JsonObject object, BulkDataPath parent) throws DicomJsonException {
        AttributeList list = new AttributeList();
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            String key = e.getKey();
            if (!key.matches("[0-9A-Fa-f]{8}")) {
                throw new DicomJsonException("attribute key '" + key + "' at " + parent + " is not 8 hex digits (PS3.18 F.2.1.1)");
            }
            int tagValue = (int) Long.parseLong(key, 16);
            BulkDataPath path = parent.child(tagValue);
            if (e.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw new DicomJsonException("attribute " + path + " is not a JSON object");
            }
            Attribute a = readAttribute(e.getValue().asJsonObject(), path);
            if (a != null) list.put(a);
        }
        return list;
    }

    private Attribute readAttribute(JsonObject json, BulkDataPath path) throws DicomJsonException {
        JsonValue vrValue = json.get("vr");
        if (!(vrValue instanceof JsonString vrString) || !vrString.getString().matches("[A-Z]{2}")) {
            throw new DicomJsonException("attribute " + path + " has no valid \"vr\"");
        }
        String vr = vrString.getString();
        int present = (json.containsKey("Value") ? 1 : 0) + (json.containsKey("BulkDataURI") ? 1 : 0)
                + (json.containsKey("InlineBinary") ? 1 : 0);
        if (present > 1) {
            throw new DicomJsonException("attribute " + path + " has more than one of Value, BulkDataURI, InlineBinary");
        }
        AttributeTag tag = new AttributeTag(path.tag() >>> 16, path.tag() & 0xFFFF);
        try {
            if (json.containsKey("BulkDataURI")) {
                String uri = string(json.get("BulkDataURI"), path, "BulkDataURI");
                byte[] value = resolver.resolve(path, vr, uri);
                return value == null ? null : binary(tag, vr, value);
            }
            if (json.containsKey("InlineBinary")) {
                byte[] value;
                try {
                    value = Base64.getDecoder().decode(string(json.get("InlineBinary"), path, "InlineBinary"));
                } catch (IllegalArgumentException ex) {
                    throw new DicomJsonException("InlineBinary of " + path + " is not base64: " + ex.getMessage());
                }
                return binary(tag, vr, value);
            }
            Attribute a = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII), UTF8);
            JsonValue v = json.get("Value");
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return a;
            }
            if (v.getValueType() != JsonValue.ValueType.ARRAY) {
                throw new DicomJsonException("\"Value\" of " + path + " is not an array");
            }
            JsonArray values = v.asJsonArray();
            switch (vr) {
                case "SQ" -> {
                    SequenceAttribute sq = (SequenceAttribute) a;
                    for (int i = 0; i < values.size(); i++) {
                        JsonValue item = values.get(i);
                        if (item.getValueType() != JsonValue.ValueType.OBJECT) {
                            throw new DicomJsonException("item " + (i + 1) + " of " + path + " is not an object");
                        }
                        sq.addItem(readAttributes(item.asJsonObject(), path.item(i)));
                    }
                }
                case "PN" -> {
                    for (JsonValue pn : values) a.addValue(personName(pn, path));
                }
                case "AT" -> {
                    for (JsonValue t : values) {
                        String s = string(t, path, "AT value");
                        if (!s.matches("[0-9A-Fa-f]{8}")) throw new DicomJsonException("AT value '" + s + "' of " + path + " is not GGGGEEEE");
                        ((AttributeTagAttribute) a).addValue(Integer.parseInt(s.substring(0, 4), 16), Integer.parseInt(s.substring(4), 16));
                    }
                }
                case "OB", "OD", "OF", "OL", "OV", "OW", "UN" ->
                        throw new DicomJsonException("attribute " + path + " of VR " + vr + " has a \"Value\"; binary values are BulkDataURI or InlineBinary");
                case "LT", "ST", "UT", "UR" -> {
                    if (values.size() > 1) throw new DicomJsonException("attribute " + path + " of VR " + vr + " has more than one value");
                    if (!values.isEmpty()) a.addValue(scalar(values.get(0), path));
                }
                default -> {
                    for (JsonValue s : values) a.addValue(scalar(s, path));
                }
            }
            return a;
        } catch (DicomException e) {
            throw new DicomJsonException("attribute " + path + " (VR " + vr + "): " + e.getMessage(), e);
        }
    }

    private static Attribute binary(AttributeTag tag, String vr, byte[] value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB") || vr.equals("UN")) {
            a.setValues(value);
        } else {
            a.setValues(value, false); // little endian, as DICOMweb bulk data and InlineBinary are
        }
        return a;
    }

    /** A string, number or null as the DICOM string form; null (an empty component) becomes "". */
    private static String scalar(JsonValue v, BulkDataPath path) throws DicomJsonException {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                yield n.isIntegral() ? n.bigIntegerValue().toString() : n.bigDecimalValue().toString();
            }
            case NULL -> "";
            default -> throw new DicomJsonException("value of " + path + " is a JSON " + v.getValueType().name().toLowerCase(Locale.ROOT));
        };
    }

    private static String string(JsonValue v, BulkDataPath path, String what) throws DicomJsonException {
        if (!(v instanceof JsonString s)) throw new DicomJsonException(what + " of " + path + " is not a string");
        return s.getString();
    }

    /** PS3.18 F.2.2: a PN value is an object of up to three component groups. */
    private static String personName(JsonValue v, BulkDataPath path) throws DicomJsonException {
        if (v.getValueType() == JsonValue.ValueType.NULL) return "";
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new DicomJsonException("PN value of " + path + " is not an object with Alphabetic/Ideographic/Phonetic");
        }
        JsonObject o = v.asJsonObject();
        String[] groups = {o.getString("Alphabetic", ""), o.getString("Ideographic", ""), o.getString("Phonetic", "")};
        int last = groups[2].isEmpty() ? groups[1].isEmpty() ? 0 : 1 : 2;
        StringBuilder sb = new StringBuilder(groups[0]);
        for (int i = 1; i <= last; i++) sb.append('=').append(groups[i]);
        return sb.toString();
    }

    private static boolean containsNonAscii(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> !StandardCharsets.US_ASCII.newEncoder().canEncode(((JsonString) v).getString());
            case OBJECT -> v.asJsonObject().values().stream().anyMatch(DicomJsonReader::containsNonAscii);
            case ARRAY -> v.asJsonArray().stream().anyMatch(DicomJsonReader::containsNonAscii);
            default -> false;
        };
    }
}
