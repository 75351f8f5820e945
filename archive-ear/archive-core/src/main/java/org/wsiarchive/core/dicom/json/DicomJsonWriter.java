package org.wsiarchive.core.dicom.json;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.OtherByteAttributeOnDisk;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SignedShortAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes PixelMed {@link AttributeList}s as DICOM JSON Model objects (PS3.18 Annex F.2), for WADO-RS metadata and
 * QIDO-RS responses.
 *
 * <p>Rules implemented:
 * <ul>
 * <li>F.2.2: one JSON object per data set; keys are the tag as 8 upper-case hex digits, in ascending tag order; group
 *     length (gggg,0000) attributes are left out, and so is the file meta information (group 0002), which is not
 *     part of the data set. Private attributes are written like any other, with the VR they were read with.</li>
 * <li>F.2.3: {@code "vr"} is always present. AT values are "GGGGEEEE" strings. FL, FD, SL, SS, UL, US are JSON
 *     numbers. IS and DS are JSON numbers parsed from the DICOM string (DS through {@link BigDecimal}, so no digit is
 *     lost); the note to Table F.2.3-1 lets IS/DS/SV/UV be strings "if needed", which we use only for values that are
 *     not numbers at all (malformed DS/IS). SV/UV are numbers when within JavaScript's safe integer range
 *     (&plusmn;(2<sup>53</sup>-1)) and strings beyond it, because the browser viewers we serve parse JSON numbers as
 *     IEEE doubles and would silently alter such values. FL/FD NaN or infinity cannot be a JSON number and is written
 *     as null.</li>
 * <li>F.2.2/F.2.4: {@code "Value"} is an array; strings are split on backslash except LT, ST, UT and UR, which have
 *     a single value. PN values are objects with non-empty "Alphabetic", "Ideographic", "Phonetic" component groups
 *     (split on '='). SQ values are arrays of item objects (an empty item is {}).</li>
 * <li>F.2.5: an attribute without a value has no "Value" key (only "vr"); an empty sequence likewise; an empty
 *     component of a multi-valued attribute is null.</li>
 * <li>F.2.6/F.2.7: OB, OD, OF, OL, OV, OW and UN values are either a "BulkDataURI" or an "InlineBinary" (standard
 *     base64 of the little-endian value), chosen per attribute by the {@link BulkDataPolicy}. Pixel Data (7FE0,0010)
 *     is always a BulkDataURI: its value is never read, so encapsulated pixel data is not loaded into memory (and
 *     the attribute may be absent altogether when the list was read up to Pixel Data only).</li>
 * </ul>
 * Strings are emitted as PixelMed decoded them with the Specific Character Set; the generator writes UTF-8, so a
 * non-empty Specific Character Set (0008,0005) is written as "ISO_IR 192". Data Set Trailing Padding (FFFC,FFFC) is
 * left out (meaningless by definition). A PN component group made only of '^' delimiters counts as empty.
 * Instances are immutable and thread-safe if the policy is.
 */
public final class DicomJsonWriter {

    /** Decides, per binary-valued attribute, between a BulkDataURI and InlineBinary. */
    public interface BulkDataPolicy {
        /**
         * @param path      tag path from the top level, e.g. [7FE00010] or [00480105, item index 0, 00282000]
         * @param attribute the attribute whose value is at stake (its value need not be read to decide)
         * @return the BulkDataURI to emit, or null to emit InlineBinary
         */
        String bulkDataUri(BulkDataPath path, Attribute attribute);
    }

    /** Binary values longer than this go to bulk data with the {@link #defaultPolicy(String)}. */
    static final long DEFAULT_INLINE_LIMIT = 1024;

    static final int PIXEL_DATA = 0x7FE00010;
    static final int SPECIFIC_CHARACTER_SET = 0x00080005;
    static final int FLOAT_PIXEL_DATA = 0x7FE00008;
    static final int DOUBLE_FLOAT_PIXEL_DATA = 0x7FE00009;

    /** JavaScript's Number.MAX_SAFE_INTEGER: larger SV/UV magnitudes are emitted as strings. */
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final BigInteger MAX_SAFE = BigInteger.valueOf(MAX_SAFE_INTEGER);
    private static final BigInteger MIN_SAFE = MAX_SAFE.negate();

    private static final Set<String> KNOWN_VRS = Set.of(
            "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
            "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV");

    private final BulkDataPolicy policy;

    public DicomJsonWriter(BulkDataPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * The archive's usual policy: Pixel Data, Float Pixel Data and Double Float Pixel Data always, and any other
     * binary value longer than 1024 bytes (or of undefined length), become {@code uriPrefix + path.toUriSuffix()};
     * shorter binary values are inlined (small ICC profiles, LUTs, private blobs: one round trip less for viewers).
     */
    public static BulkDataPolicy defaultPolicy(String uriPrefix) {
        Objects.requireNonNull(uriPrefix, "uriPrefix");
        return (path, attribute) -> {
            int tag = path.tag();
            boolean pixelData = tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_FLOAT_PIXEL_DATA;
            // getVL() is the unsigned 32-bit value length; 0xFFFFFFFF (undefined length) counts as large.
            if (pixelData || attribute.getVL() > DEFAULT_INLINE_LIMIT || attribute.getVL() < 0) {
                return uriPrefix + path.toUriSuffix();
            }
            return null;
        };
    }

    /** Writes one data set as a JSON object, as the generator's current value (top level or in an array). */
    public void write(JsonGenerator g, AttributeList list) {
        g.writeStartObject();
        writeAttributes(g, list, BulkDataPath.ROOT);
        g.writeEnd();
    }

    /** Writes a JSON array of data set objects, as QIDO-RS and WADO-RS metadata responses are. */
    public void writeArray(JsonGenerator g, Iterable<AttributeList> lists) {
        g.writeStartArray();
        for (AttributeList list : lists) {
            write(g, list);
        }
        g.writeEnd();
    }

    /** One data set as UTF-8 JSON. */
    public byte[] toBytes(AttributeList list) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = Generators.FACTORY.createGenerator(out, StandardCharsets.UTF_8)) {
            write(g, list);
        }
        return out.toByteArray();
    }

    /** Holder so that the JSON provider is looked up once, and only when toBytes is used. */
    private static final class Generators {
        static final JsonGeneratorFactory FACTORY = Json.createGeneratorFactory(Map.of());
    }

    private void writeAttributes(JsonGenerator g, AttributeList list, BulkDataPath parent) {
        // AttributeList is a TreeMap ordered by (group, element), which is the ascending order of the hex keys.
        for (Attribute a : list.values()) {
            AttributeTag tag = a.getTag();
            if (tag.getElement() == 0 || tag.getGroup() == 0x0002) {
                continue; // group lengths are forbidden by F.2.2; group 0002 is file meta information, not data set
            }
            if (tag.getGroup() == 0xFFFC && tag.getElement() == 0xFFFC) {
                continue; // Data Set Trailing Padding: no meaning by definition (PS3.5 7.7), may be dropped
            }
            BulkDataPath path = parent.child(tag);
            g.writeStartObject(BulkDataPath.hex(path.tag()));
            try {
                writeAttribute(g, a, path);
            } catch (DicomException e) {
                throw new IllegalStateException("cannot encode attribute " + path + " as DICOM JSON", e);
            }
            g.writeEnd();
        }
    }

    private void writeAttribute(JsonGenerator g, Attribute a, BulkDataPath path) throws DicomException {
        String vr = vrOf(a);
        g.write("vr", vr);
        switch (vr) {
            case "SQ" -> writeSequence(g, (SequenceAttribute) a, path);
            case "PN" -> writePersonNames(g, a);
            case "CS" -> {
                if (path.tag() == SPECIFIC_CHARACTER_SET) {
                    writeSpecificCharacterSet(g, a);
                } else {
                    writeStrings(g, a);
                }
            }
            case "AE", "AS", "DA", "DT", "LO", "SH", "TM", "UC", "UI" -> writeStrings(g, a);
            case "LT", "ST", "UT", "UR" -> writeText(g, a, vr);
            case "IS", "DS" -> writeDecimalStrings(g, a);
            case "SS", "US", "SL", "UL" -> writeIntegers(g, a);
            case "SV" -> writeVeryLongs(g, a, false);
            case "UV" -> writeVeryLongs(g, a, true);
            case "FL" -> writeFloats(g, a);
            case "FD" -> writeDoubles(g, a);
            case "AT" -> writeTags(g, (AttributeTagAttribute) a);
            default -> writeBinary(g, a, vr, path); // OB OD OF OL OV OW UN
        }
    }

    /**
     * The VR as a DICOM JSON "vr" string. PixelMed reports the PS3.6 pseudo-VRs (OX, XS, ...) for some attributes read
     * in implicit VR; the class it chose to hold the value tells which real VR it decoded.
     */
    private static String vrOf(Attribute a) {
        if (a instanceof UnsignedVeryLongAttribute) {
            return "UV"; // PixelMed 20220618's UnsignedVeryLongAttribute.getVR() wrongly answers "UL"
        }
        String vr = new String(a.getVR(), StandardCharsets.US_ASCII);
        if (KNOWN_VRS.contains(vr)) {
            return vr;
        }
        if (a instanceof OtherByteAttribute || a instanceof OtherByteAttributeOnDisk
                || a instanceof OtherByteAttributeMultipleCompressedFrames) {
            return "OB";
        }
        if (a instanceof UnsignedShortAttribute) {
            return "US";
        }
        if (a instanceof SignedShortAttribute) {
            return "SS";
        }
        return vr.startsWith("O") ? "OW" : "UN";
    }

    private void writeSequence(JsonGenerator g, SequenceAttribute sq, BulkDataPath path) {
        int n = sq.getNumberOfItems();
        if (n == 0) {
            return; // F.2.5: an empty sequence has no "Value"
        }
        g.writeStartArray("Value");
        for (int i = 0; i < n; i++) {
            g.writeStartObject();
            writeAttributes(g, sq.getItem(i).getAttributeList(), path.item(i));
            g.writeEnd();
        }
        g.writeEnd();
    }

    /**
     * The values of a multi-valued string attribute, or null when it has no value. A lone empty value (e.g. a
     * value field of only padding spaces) counts as no value rather than one empty value.
     */
    private static String[] values(Attribute a) throws DicomException {
        if (a.getVL() == 0 || a.getVM() == 0) {
            return null;
        }
        String[] values = a.getStringValues(); // PixelMed splits on '\' and strips padding
        if (values == null || values.length == 0 || (values.length == 1 && values[0].isEmpty())) {
            return null;
        }
        return values;
    }

    private static void writeStrings(JsonGenerator g, Attribute a) throws DicomException {
        String[] values = values(a);
        if (values == null) {
            return;
        }
        g.writeStartArray("Value");
        for (String v : values) {
            if (v.isEmpty()) {
                g.writeNull(); // F.2.5: empty component of a multi-valued attribute
            } else {
                g.write(v);
            }
        }
        g.writeEnd();
    }

    /**
     * The strings of the JSON object are Unicode (PixelMed decoded them with the original Specific Character Set and
     * JSON text is UTF-8, RFC 8259), so a non-empty Specific Character Set is declared as ISO_IR 192 (UTF-8): keeping
     * e.g. "ISO_IR 100" or ISO 2022 code extensions would describe an encoding the values are no longer in, and would
     * mislead a consumer converting the JSON back to a binary data set. An absent or empty value (default repertoire,
     * ASCII, a subset of UTF-8) is left as it is. DCMTK's dcm2json does the same.
     */
    private static void writeSpecificCharacterSet(JsonGenerator g, Attribute a) throws DicomException {
        if (values(a) == null) {
            return;
        }
        g.writeStartArray("Value");
        g.write("ISO_IR 192");
        g.writeEnd();
    }

    /** LT, ST, UT and UR never have multiple values: a backslash in them is text. */
    private static void writeText(JsonGenerator g, Attribute a, String vr) throws DicomException {
        if (a.getVL() == 0) {
            return;
        }
        String[] values = a.getStringValues();
        if (values == null || values.length == 0) {
            return;
        }
        // Trailing spaces are padding for all four VRs; leading spaces are significant except for UR (PS3.5 6.2).
        String v = String.join("\\", values).stripTrailing();
        if (vr.equals("UR")) {
            v = v.stripLeading();
        }
        if (v.isEmpty()) {
            return;
        }
        g.writeStartArray("Value");
        g.write(v);
        g.writeEnd();
    }

    private static void writePersonNames(JsonGenerator g, Attribute a) throws DicomException {
        String[] values = values(a);
        if (values == null) {
            return;
        }
        String[][] names = new String[values.length][];
        for (int i = 0; i < values.length; i++) {
            names[i] = componentGroups(values[i]);
        }
        if (names.length == 1 && names[0] == null) {
            return; // a lone empty name ("^^^^") is no value, like a zero-length one
        }
        g.writeStartArray("Value");
        for (String[] groups : names) {
            if (groups == null) {
                g.writeNull();
                continue;
            }
            g.writeStartObject();
            writeGroup(g, "Alphabetic", groups, 0);
            writeGroup(g, "Ideographic", groups, 1);
            writeGroup(g, "Phonetic", groups, 2);
            g.writeEnd();
        }
        g.writeEnd();
    }

    /** The '='-separated component groups of one PN value, empty ones as "", or null if all are empty. */
    private static String[] componentGroups(String value) {
        String[] groups = value.split("=", -1);
        boolean any = false;
        for (int i = 0; i < groups.length; i++) {
            // A group of only component delimiters ("^^^^") has no component at all: empty (PS3.5 6.2.1).
            if (groups[i].chars().allMatch(c -> c == '^' || c == ' ')) {
                groups[i] = "";
            }
            any |= i < 3 && !groups[i].isEmpty();
        }
        return any ? groups : null;
    }

    private static void writeGroup(JsonGenerator g, String name, String[] groups, int i) {
        if (i < groups.length && !groups[i].isEmpty()) {
            g.write(name, groups[i]);
        }
    }

    /** IS and DS: JSON numbers from the exact decimal string; anything that is not a number stays a string. */
    private static void writeDecimalStrings(JsonGenerator g, Attribute a) throws DicomException {
        String[] values = values(a);
        if (values == null) {
            return;
        }
        g.writeStartArray("Value");
        for (String v : values) {
            String s = v.strip();
            if (s.isEmpty()) {
                g.writeNull();
                continue;
            }
            BigDecimal d = parseDecimal(s);
            if (d == null) {
                // Not a number: the note to PS3.18 Table F.2.3-1 permits a string; better than dropping the value.
                g.write(s);
            } else if (d.scale() <= 0 && d.precision() - d.scale() <= 18) {
                g.write(d.longValueExact()); // plain integer form ("5", not "5E+0")
            } else {
                g.write(d);
            }
        }
        g.writeEnd();
    }

    /** A DICOM decimal number (optional sign, digits, optional fraction and exponent), or null if it is not one. */
    static BigDecimal parseDecimal(String s) {
        // BigDecimal also accepts forms JSON and DICOM lack, but none that is not a decimal number; guard against
        // exponents so large they would make the JSON output absurd.
        try {
            BigDecimal d = new BigDecimal(s);
            return Math.abs((long) d.scale()) > 10_000 ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void writeIntegers(JsonGenerator g, Attribute a) throws DicomException {
        if (a.getVL() == 0) {
            return;
        }
        long[] values = a.getLongValues(); // PixelMed already widens US and UL to unsigned values
        if (values == null || values.length == 0) {
            return;
        }
        g.writeStartArray("Value");
        for (long v : values) {
            g.write(v);
        }
        g.writeEnd();
    }

    private static void writeVeryLongs(JsonGenerator g, Attribute a, boolean unsigned) throws DicomException {
        if (a.getVL() == 0) {
            return;
        }
        long[] values = a.getLongValues();
        if (values == null || values.length == 0) {
            return;
        }
        g.writeStartArray("Value");
        for (long v : values) {
            BigInteger b = unsigned ? new BigInteger(Long.toUnsignedString(v)) : BigInteger.valueOf(v);
            if (b.compareTo(MAX_SAFE) > 0 || b.compareTo(MIN_SAFE) < 0) {
                g.write(b.toString()); // note to Table F.2.3-1: a string keeps the value exact for double-based parsers
            } else {
                g.write(b.longValueExact());
            }
        }
        g.writeEnd();
    }

    private static void writeFloats(JsonGenerator g, Attribute a) throws DicomException {
        if (a.getVL() == 0) {
            return;
        }
        float[] values = a.getFloatValues();
        if (values == null || values.length == 0) {
            return;
        }
        g.writeStartArray("Value");
        for (float v : values) {
            // Float.toString gives the shortest decimal that reads back as the same float (0.1, not 0.10000000149...).
            writeFinite(g, Float.isFinite(v) ? new BigDecimal(Float.toString(v)) : null);
        }
        g.writeEnd();
    }

    private static void writeDoubles(JsonGenerator g, Attribute a) throws DicomException {
        if (a.getVL() == 0) {
            return;
        }
        double[] values = a.getDoubleValues();
        if (values == null || values.length == 0) {
            return;
        }
        g.writeStartArray("Value");
        for (double v : values) {
            writeFinite(g, Double.isFinite(v) ? new BigDecimal(Double.toString(v)) : null);
        }
        g.writeEnd();
    }

    /** JSON has no NaN or infinity; null is the only JSON value that does not pretend to be a number. */
    private static void writeFinite(JsonGenerator g, BigDecimal d) {
        if (d == null) {
            g.writeNull();
        } else if (d.signum() == 0
                || (d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(MAX_SAFE_INTEGER)) <= 0)) {
            g.write(d.longValue()); // whole numbers as integers ("2", not "2.0"): same value, as other encoders do
        } else {
            g.write(d);
        }
    }

    private static void writeTags(JsonGenerator g, AttributeTagAttribute a) throws DicomException {
        AttributeTag[] values = a.getAttributeTagValues();
        if (values == null || values.length == 0) {
            return;
        }
        g.writeStartArray("Value");
        for (AttributeTag t : values) {
            g.write(BulkDataPath.hex((t.getGroup() << 16) | t.getElement()));
        }
        g.writeEnd();
    }

    private void writeBinary(JsonGenerator g, Attribute a, String vr, BulkDataPath path) throws DicomException {
        boolean pixelData = path.tag() == PIXEL_DATA;
        if (!pixelData && a.getVL() == 0) {
            return; // no value: neither BulkDataURI nor InlineBinary
        }
        String uri = policy.bulkDataUri(path, a);
        if (uri != null) {
            g.write("BulkDataURI", uri);
            return;
        }
        if (pixelData) {
            // Inlining Pixel Data would load (possibly encapsulated, multi-gigabyte) frames into memory.
            throw new IllegalStateException("bulk data policy returned no BulkDataURI for Pixel Data at " + path);
        }
        // InlineBinary is the value in little-endian byte order (DICOMweb's native transfer syntax).
        byte[] bytes = switch (vr) {
            case "OB", "UN" -> a.getByteValues();
            default -> a.getByteValues(false); // false: little endian; OD OF OL OV OW
        };
        g.write("InlineBinary", Base64.getEncoder().encodeToString(bytes == null ? new byte[0] : bytes));
    }
}
