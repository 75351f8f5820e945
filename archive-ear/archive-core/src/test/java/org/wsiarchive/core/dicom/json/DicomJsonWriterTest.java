package org.wsiarchive.core.dicom.json;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.FloatDoubleAttribute;
import com.pixelmed.dicom.FloatSingleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.LongTextAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SignedShortAttribute;
import com.pixelmed.dicom.SignedVeryLongAttribute;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnknownAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Targeted checks of the PS3.18 F.2 rules, on hand-built data sets. */
class DicomJsonWriterTest {

    private static final AttributeTag PATIENT_NAME = new AttributeTag(0x0010, 0x0010);
    private static final AttributeTag OPTICAL_PATH_SEQUENCE = new AttributeTag(0x0048, 0x0105);
    private static final AttributeTag ICC_PROFILE = new AttributeTag(0x0028, 0x2000);
    private static final AttributeTag PIXEL_DATA = new AttributeTag(0x7FE0, 0x0010);

    /** Inline everything but Pixel Data. */
    private static final DicomJsonWriter INLINE = new DicomJsonWriter(
            (path, a) -> path.tag() == DicomJsonWriter.PIXEL_DATA ? "px" : null);
    private static final DicomJsonWriter DEFAULT = new DicomJsonWriter(DicomJsonWriter.defaultPolicy("https://a/b/bulkdata/"));

    private static JsonObject json(DicomJsonWriter w, AttributeList list) {
        return DicomJsonDcm2jsonConformanceTest.parse(w.toBytes(list));
    }

    private static AttributeList listOf(Attribute... attributes) {
        AttributeList l = new AttributeList();
        for (Attribute a : attributes) {
            l.put(a);
        }
        return l;
    }

    private static Attribute attr(Attribute a, String... values) throws Exception {
        for (String v : values) {
            a.addValue(v);
        }
        return a;
    }

    @Test
    void personNameWithThreeComponentGroups() throws Exception {
        JsonObject o = json(INLINE, listOf(attr(new PersonNameAttribute(PATIENT_NAME),
                "Yamada^Tarou=山田^太郎=やまだ^たろう", "Doe^John==", "=Ideo^Only", "")));
        JsonObject pn = o.getJsonObject("00100010");
        assertEquals("PN", pn.getString("vr"));
        JsonArray v = pn.getJsonArray("Value");
        assertEquals(4, v.size());
        assertEquals(Json.createObjectBuilder().add("Alphabetic", "Yamada^Tarou").add("Ideographic", "山田^太郎")
                .add("Phonetic", "やまだ^たろう").build(), v.getJsonObject(0));
        // Empty groups are omitted, not written as "".
        assertEquals(Json.createObjectBuilder().add("Alphabetic", "Doe^John").build(), v.getJsonObject(1));
        assertEquals(Json.createObjectBuilder().add("Ideographic", "Ideo^Only").build(), v.getJsonObject(2));
        assertEquals(JsonValue.NULL, v.get(3));
        // The raw bytes are UTF-8.
        assertTrue(new String(INLINE.toBytes(listOf(attr(new PersonNameAttribute(PATIENT_NAME), "=山田"))),
                StandardCharsets.UTF_8).contains("\"Ideographic\":\"山田\""));
    }

    @Test
    void attributeTagValuesAreEightUpperCaseHexDigits() throws Exception {
        AttributeTagAttribute at = new AttributeTagAttribute(new AttributeTag(0x0020, 0x9165));
        at.addValue(0x0048, 0x021F);
        at.addValue(0x0020, 0x000D);
        at.addValue(0x7FE0, 0x0010);
        JsonObject o = json(INLINE, listOf(at));
        assertEquals(Json.createObjectBuilder().add("vr", "AT")
                .add("Value", Json.createArrayBuilder().add("0048021F").add("0020000D").add("7FE00010")).build(),
                o.getJsonObject("00209165"));
    }

    @Test
    void attributesWithoutValueHaveOnlyVr() throws Exception {
        JsonObject o = json(INLINE, listOf(
                new LongStringAttribute(new AttributeTag(0x0008, 0x1030)),
                new SequenceAttribute(new AttributeTag(0x0008, 0x1115)),
                new UnsignedShortAttribute(new AttributeTag(0x0028, 0x0010)),
                new DecimalStringAttribute(new AttributeTag(0x0028, 0x0030)),
                new OtherByteAttribute(new AttributeTag(0x0009, 0x0010 + 0x1000)),
                new PersonNameAttribute(PATIENT_NAME),
                attr(new PersonNameAttribute(new AttributeTag(0x0008, 0x0090)), "^^^^")));
        for (String key : List.of("00081030", "00081115", "00280010", "00280030", "00091010", "00100010", "00080090")) {
            JsonObject a = o.getJsonObject(key);
            assertEquals(1, a.size(), key + " should have only vr: " + a);
            assertTrue(a.containsKey("vr"));
        }
        assertEquals("SQ", o.getJsonObject("00081115").getString("vr"));
    }

    @Test
    void emptyComponentOfMultiValuedStringIsNull() throws Exception {
        CodeStringAttribute cs = new CodeStringAttribute(new AttributeTag(0x0008, 0x0008));
        cs.addValue("DERIVED");
        cs.addValue("");
        cs.addValue("VOLUME");
        JsonArray v = json(INLINE, listOf(cs)).getJsonObject("00080008").getJsonArray("Value");
        assertEquals(Json.createArrayBuilder().add("DERIVED").addNull().add("VOLUME").build(), v);
    }

    @Test
    void textVrsAreSingleValuedAndKeepLeadingSpaces() throws Exception {
        JsonObject o = json(INLINE, listOf(attr(new LongTextAttribute(new AttributeTag(0x0020, 0x4000)),
                "  C:\\slides\\a.svs  ")));
        assertEquals(Json.createArrayBuilder().add("  C:\\slides\\a.svs").build(),
                o.getJsonObject("00204000").getJsonArray("Value"));
    }

    @Test
    void iccProfileInOpticalPathSequenceGetsBulkDataUriWithItemPath() throws Exception {
        SequenceAttribute ops = new SequenceAttribute(OPTICAL_PATH_SEQUENCE);
        for (int i = 0; i < 2; i++) {
            AttributeList item = new AttributeList();
            item.put(attr(new LongStringAttribute(new AttributeTag(0x0048, 0x0106)), "OP" + i));
            OtherByteAttribute icc = new OtherByteAttribute(ICC_PROFILE);
            icc.setValues(new byte[4000]);
            item.put(icc);
            ops.addItem(item);
        }
        List<BulkDataPath> asked = new ArrayList<>();
        BulkDataPath expectedFirst = BulkDataPath.of(OPTICAL_PATH_SEQUENCE).item(0).child(ICC_PROFILE);
        DicomJsonWriter w = new DicomJsonWriter((path, a) -> {
            asked.add(path);
            return DicomJsonWriter.defaultPolicy("https://h/studies/1/series/2/instances/3/bulkdata/").bulkDataUri(path, a);
        });
        JsonObject o = json(w, listOf(ops));
        assertEquals(List.of(expectedFirst, BulkDataPath.of(OPTICAL_PATH_SEQUENCE).item(1).child(ICC_PROFILE)), asked);
        assertEquals("[00480105, item 0, 00282000]", expectedFirst.toString());

        JsonArray items = o.getJsonObject("00480105").getJsonArray("Value");
        assertEquals(2, items.size());
        for (int i = 0; i < 2; i++) {
            JsonObject icc = items.getJsonObject(i).getJsonObject("00282000");
            assertEquals("OB", icc.getString("vr"));
            assertEquals("https://h/studies/1/series/2/instances/3/bulkdata/00480105/" + (i + 1) + "/00282000",
                    icc.getString("BulkDataURI"));
            assertFalse(icc.containsKey("InlineBinary"));
            assertEquals("OP" + i, items.getJsonObject(i).getJsonObject("00480106").getJsonArray("Value").getString(0));
        }
    }

    @Test
    void decimalStringsKeepEveryDigit() throws Exception {
        DecimalStringAttribute ds = new DecimalStringAttribute(new AttributeTag(0x0028, 0x0030));
        ds.addValue("0.000246000000000000012345");
        ds.addValue("1.23456789012345678901");
        ds.addValue("-5");
        ds.addValue("1e-3");
        byte[] raw = INLINE.toBytes(listOf(ds));
        String text = new String(raw, StandardCharsets.UTF_8);
        assertTrue(text.contains("1.23456789012345678901"), text);
        JsonArray v = DicomJsonDcm2jsonConformanceTest.parse(raw).getJsonObject("00280030").getJsonArray("Value");
        assertEquals(0, new BigDecimal("0.000246000000000000012345").compareTo(v.getJsonNumber(0).bigDecimalValue()));
        assertEquals(0, new BigDecimal("1.23456789012345678901").compareTo(v.getJsonNumber(1).bigDecimalValue()));
        assertEquals(-5, v.getJsonNumber(2).intValueExact());
        assertEquals(0, new BigDecimal("0.001").compareTo(v.getJsonNumber(3).bigDecimalValue()));
    }

    @Test
    void malformedNumberStringsStayStrings() throws Exception {
        DecimalStringAttribute ds = new DecimalStringAttribute(new AttributeTag(0x0028, 0x0030));
        ds.addValue("0.5");
        ds.addValue("n/a");
        IntegerStringAttribute is = new IntegerStringAttribute(new AttributeTag(0x0020, 0x0013));
        is.addValue("+12");
        JsonObject o = json(INLINE, listOf(ds, is));
        JsonArray v = o.getJsonObject("00280030").getJsonArray("Value");
        assertEquals(JsonValue.ValueType.NUMBER, v.get(0).getValueType());
        assertEquals("n/a", v.getString(1));
        assertEquals(Json.createArrayBuilder().add(12).build(), o.getJsonObject("00200013").getJsonArray("Value"));
    }

    @Test
    void binaryNumbersAreJsonNumbers() throws Exception {
        UnsignedShortAttribute us = new UnsignedShortAttribute(new AttributeTag(0x0028, 0x0010));
        us.addValue(65535);
        SignedShortAttribute ss = new SignedShortAttribute(new AttributeTag(0x0028, 0x0106));
        ss.addValue(-32768);
        UnsignedLongAttribute ul = new UnsignedLongAttribute(new AttributeTag(0x0048, 0x0001));
        ul.addValue(0xFFFFFFFFL);
        FloatSingleAttribute fl = new FloatSingleAttribute(new AttributeTag(0x0040, 0x072A));
        fl.addValue(0.1f);
        fl.addValue(Float.NaN);
        fl.addValue(2f);
        FloatDoubleAttribute fd = new FloatDoubleAttribute(new AttributeTag(0x0048, 0x0006));
        fd.addValue(0.1);
        JsonObject o = json(INLINE, listOf(us, ss, ul, fl, fd));
        assertEquals(65535, o.getJsonObject("00280010").getJsonArray("Value").getJsonNumber(0).longValueExact());
        assertEquals(-32768, o.getJsonObject("00280106").getJsonArray("Value").getJsonNumber(0).longValueExact());
        assertEquals(4294967295L, o.getJsonObject("00480001").getJsonArray("Value").getJsonNumber(0).longValueExact());
        JsonArray f = o.getJsonObject("0040072A").getJsonArray("Value");
        assertEquals("0.1", f.getJsonNumber(0).toString(), "shortest decimal of the float, not 0.10000000149...");
        assertEquals(JsonValue.NULL, f.get(1), "NaN is not a JSON number");
        assertEquals(2, f.getJsonNumber(2).intValueExact());
        assertEquals("0.1", o.getJsonObject("00480006").getJsonArray("Value").getJsonNumber(0).toString());
    }

    @Test
    void veryLongIntegersBeyondJavaScriptSafeRangeAreStrings() throws Exception {
        SignedVeryLongAttribute sv = new SignedVeryLongAttribute(new AttributeTag(0x0011, 0x1001));
        sv.addValue(-(1L << 53) + 1);
        sv.addValue(-(1L << 53));
        UnsignedVeryLongAttribute uv = new UnsignedVeryLongAttribute(new AttributeTag(0x0011, 0x1002));
        uv.addValue((1L << 53) - 1);
        uv.addValue(-1L); // 2^64 - 1 unsigned
        JsonObject o = json(INLINE, listOf(sv, uv));
        JsonArray s = o.getJsonObject("00111001").getJsonArray("Value");
        assertEquals("SV", o.getJsonObject("00111001").getString("vr"));
        assertEquals(-(1L << 53) + 1, s.getJsonNumber(0).longValueExact());
        assertEquals("-9007199254740992", s.getString(1));
        JsonArray u = o.getJsonObject("00111002").getJsonArray("Value");
        assertEquals((1L << 53) - 1, u.getJsonNumber(0).longValueExact());
        assertEquals("18446744073709551615", u.getString(1));
        assertEquals("UV", o.getJsonObject("00111002").getString("vr"), "PixelMed says UL for UV");
    }

    @Test
    void shortBinaryValuesAreInlineBase64LittleEndian() throws Exception {
        OtherByteAttribute ob = new OtherByteAttribute(new AttributeTag(0x0009, 0x1010));
        ob.setValues(new byte[]{1, 2, 3, (byte) 0xFF});
        OtherWordAttribute ow = new OtherWordAttribute(new AttributeTag(0x0028, 0x1201));
        ow.setValues(new short[]{0x0102, 0x0304});
        UnknownAttribute un = new UnknownAttribute(new AttributeTag(0x0009, 0x1011));
        un.setValues(new byte[]{9, 8});
        JsonObject o = json(DEFAULT, listOf(ob, ow, un));
        assertEquals(Json.createObjectBuilder().add("vr", "OB").add("InlineBinary", "AQID/w==").build(), o.getJsonObject("00091010"));
        assertEquals("AgEEAw==", o.getJsonObject("00281201").getString("InlineBinary"), "OW bytes are little endian");
        assertEquals(Json.createObjectBuilder().add("vr", "UN").add("InlineBinary", "CQg=").build(), o.getJsonObject("00091011"));
    }

    @Test
    void defaultPolicyThreshold() throws Exception {
        OtherByteAttribute small = new OtherByteAttribute(new AttributeTag(0x0009, 0x1010));
        small.setValues(new byte[1024]);
        OtherByteAttribute large = new OtherByteAttribute(new AttributeTag(0x0009, 0x1012));
        large.setValues(new byte[1026]);
        OtherByteAttribute tinyPixels = new OtherByteAttribute(PIXEL_DATA);
        tinyPixels.setValues(new byte[]{1, 2});
        JsonObject o = json(DEFAULT, listOf(small, large, tinyPixels));
        assertTrue(o.getJsonObject("00091010").containsKey("InlineBinary"));
        assertEquals("https://a/b/bulkdata/00091012", o.getJsonObject("00091012").getString("BulkDataURI"));
        assertEquals("https://a/b/bulkdata/7FE00010", o.getJsonObject("7FE00010").getString("BulkDataURI"));
    }

    @Test
    void pixelDataIsNeverInline() throws Exception {
        OtherByteAttribute px = new OtherByteAttribute(PIXEL_DATA);
        px.setValues(new byte[]{1, 2});
        DicomJsonWriter inlineAll = new DicomJsonWriter((path, a) -> null);
        assertThrows(IllegalStateException.class, () -> inlineAll.toBytes(listOf(px)));
        assertEquals(Json.createObjectBuilder().add("vr", "OB").add("BulkDataURI", "px").build(),
                json(INLINE, listOf(px)).getJsonObject("7FE00010"));
    }

    @Test
    void headerOnlyReadOfCompressedWsiHasNoPixelData() throws Exception {
        File f = new File(System.getProperty("testdata.dir", "/work/shared/testdata"),
                "dicom-wsi/gcp-wsi2dcm_cmu-1-small-region/level-0-frames-0-30.dcm");
        org.junit.jupiter.api.Assumptions.assumeTrue(f.isFile(), "test data not available");
        AttributeList l = new AttributeList();
        l.read(f, PIXEL_DATA); // what the archive does: stop before Pixel Data
        JsonObject o = json(DEFAULT, l);
        assertFalse(o.containsKey("7FE00010"));
        assertEquals("1.2.840.10008.5.1.4.1.1.77.1.6", o.getJsonObject("00080016").getJsonArray("Value").getString(0));
        assertFalse(o.keySet().stream().anyMatch(k -> k.startsWith("0002")), "no file meta information");

        AttributeList full = new AttributeList();
        full.setDecompressPixelData(false);
        full.read(f);
        JsonObject withPixels = json(DEFAULT, full);
        assertEquals("https://a/b/bulkdata/7FE00010", withPixels.getJsonObject("7FE00010").getString("BulkDataURI"));
        assertEquals(Json.createObjectBuilder(o).add("7FE00010", withPixels.get("7FE00010")).build(), withPixels);
    }

    @Test
    void keysAscendingWithoutGroupLengthsMetaOrPadding() throws Exception {
        AttributeList l = listOf(
                attr(new UniqueIdentifierAttribute(new AttributeTag(0x0002, 0x0010)), "1.2.840.10008.1.2.1"),
                attr(new UnsignedLongAttribute(new AttributeTag(0x0008, 0x0000)), "10"),
                attr(new LongStringAttribute(new AttributeTag(0x0009, 0x0010)), "PRIVATE CREATOR"),
                attr(new CodeStringAttribute(new AttributeTag(0x0008, 0x0060)), "SM"),
                attr(new UniqueIdentifierAttribute(new AttributeTag(0x0020, 0x000D)), "1.2.3"),
                attr(new CodeStringAttribute(new AttributeTag(0x0008, 0x0005)), "ISO_IR 100"),
                new OtherByteAttribute(new AttributeTag(0xFFFC, 0xFFFC)));
        JsonObject o = json(INLINE, l);
        assertEquals(List.of("00080005", "00080060", "00090010", "0020000D"), new ArrayList<>(o.keySet()));
        // Values are Unicode in JSON: the character set of the JSON strings is UTF-8.
        assertEquals("ISO_IR 192", o.getJsonObject("00080005").getJsonArray("Value").getString(0));
    }

    @Test
    void writeAndWriteArrayNestInTheGenerator() throws Exception {
        AttributeList a = listOf(attr(new CodeStringAttribute(new AttributeTag(0x0008, 0x0060)), "SM"));
        AttributeList b = listOf(attr(new CodeStringAttribute(new AttributeTag(0x0008, 0x0060)), "ANN"));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.createGenerator(out)) {
            INLINE.writeArray(g, List.of(a, b));
        }
        JsonArray arr = Json.createReader(new java.io.StringReader(out.toString())).readArray();
        assertEquals(2, arr.size());
        assertEquals("ANN", arr.getJsonObject(1).getJsonObject("00080060").getJsonArray("Value").getString(0));
    }

    @Test
    void bulkDataPathBuilderAndUriSuffix() {
        BulkDataPath p = BulkDataPath.of(0x00480105).item(0).child(0x00282000);
        assertEquals("00480105/1/00282000", p.toUriSuffix());
        assertEquals(0x00282000, p.tag());
        assertFalse(p.isTopLevel());
        assertEquals("7FE00010", BulkDataPath.of(0x7FE00010).toUriSuffix());
        assertTrue(BulkDataPath.of(0x7FE00010).isTopLevel());
        assertEquals(p, new BulkDataPath(List.of(0x00480105, 0x00282000), List.of(0)));
        assertThrows(IllegalStateException.class, () -> p.child(0x00080060), "a path at an attribute needs an item first");
        assertThrows(IllegalStateException.class, () -> BulkDataPath.of(0x00480105).item(0).item(1));
        assertThrows(IllegalStateException.class, () -> BulkDataPath.of(0x00480105).item(0).toUriSuffix());
        assertThrows(IllegalArgumentException.class, () -> new BulkDataPath(List.of(1), List.of(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> BulkDataPath.of(1).item(-1));
        List<Integer> tags = new ArrayList<>(List.of(0x7FE00010));
        BulkDataPath copy = new BulkDataPath(tags, List.of());
        tags.add(1);
        assertEquals(List.of(0x7FE00010), copy.tags(), "immutable");
        assertNull(DicomJsonWriter.defaultPolicy("x/").bulkDataUri(BulkDataPath.of(0x00091010),
                new OtherByteAttribute(new AttributeTag(0x0009, 0x1010))));
    }
}
