package org.wsiarchive.core.dicom.xml;

import com.pixelmed.dicom.AttributeList;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.wsiarchive.core.SharedTestData;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.core.dicom.json.DicomJsonReader;
import org.wsiarchive.core.dicom.json.DicomJsonWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Native DICOM Model read back: JSON → XML (our writer) → JSON (this reader) → data set → JSON is the identity on
 * every shared WSI header, and what is not a safe, well-formed PS3.19 document is refused.
 */
class NativeDicomModelReaderTest {

    private static JsonObject json(AttributeList list) {
        byte[] bytes = new DicomJsonWriter((path, a) -> path.tag() == 0x7FE00010 ? "pixels" : null).toBytes(list);
        return Json.createReader(new ByteArrayInputStream(bytes)).readObject();
    }

    private static JsonObject read(String xml) throws Exception {
        return NativeDicomModelReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writerThenReaderGivesTheSameDataSetForEverySharedWsiFile() throws Exception {
        for (var header : SharedTestData.wsiHeaders().entrySet()) {
            Path f = header.getKey();
            AttributeList list = header.getValue();
            JsonObject first = json(list);
            ByteArrayOutputStream xml = new ByteArrayOutputStream();
            NativeDicomModelWriter.write(first, xml);
            JsonObject fromXml = NativeDicomModelReader.read(new ByteArrayInputStream(xml.toByteArray()));
            AttributeList back = new DicomJsonReader((path, vr, uri) -> null).read(fromXml);
            JsonObject second = json(back);
            JsonObject expected = first;
            if (!first.containsKey("00080005") && second.containsKey("00080005")) {
                expected = Json.createObjectBuilder(first).add("00080005", second.get("00080005")).build();
            }
            assertEquals(expected, second, f.toString());
        }
    }

    @Test
    void mapsValuesNamesItemsAndBulkDataToTheJsonModel() throws Exception {
        JsonObject o = read("""
                <?xml version="1.0" encoding="UTF-8"?>
                <NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM">
                  <!-- a comment -->
                  <DicomAttribute tag="00100010" vr="PN" keyword="PatientName">
                    <PersonName number="1"><Alphabetic><FamilyName>Doe</FamilyName><GivenName>Jane</GivenName></Alphabetic></PersonName>
                  </DicomAttribute>
                  <DicomAttribute tag="00281050" vr="DS"><Value number="2">40.50</Value><Value number="1">7</Value></DicomAttribute>
                  <DicomAttribute tag="00080008" vr="CS"><Value number="1">ORIGINAL</Value><Value number="3">VOLUME</Value></DicomAttribute>
                  <DicomAttribute tag="00400560" vr="SQ"><Item number="1">
                    <DicomAttribute tag="00400551" vr="LO"><Value number="1">S1 &amp; S2</Value></DicomAttribute>
                  </Item></DicomAttribute>
                  <DicomAttribute tag="7FE00010" vr="OB"><BulkData uri="http://x/frames"/></DicomAttribute>
                  <DicomAttribute tag="00282000" vr="OB"><InlineBinary>AAEC
                    Aw==</InlineBinary></DicomAttribute>
                  <DicomAttribute tag="00081030" vr="LO"/>
                </NativeDicomModel>
                """);
        assertEquals("{\"Alphabetic\":\"Doe^Jane\"}", o.getJsonObject("00100010").getJsonArray("Value").get(0).toString());
        assertEquals("[\"7\",\"40.50\"]", o.getJsonObject("00281050").getJsonArray("Value").toString());
        assertEquals("[\"ORIGINAL\",null,\"VOLUME\"]", o.getJsonObject("00080008").getJsonArray("Value").toString());
        assertEquals("S1 & S2", o.getJsonObject("00400560").getJsonArray("Value").getJsonObject(0)
                .getJsonObject("00400551").getJsonArray("Value").getString(0));
        assertEquals("http://x/frames", o.getJsonObject("7FE00010").getString("BulkDataURI"));
        assertEquals("AAECAw==", o.getJsonObject("00282000").getString("InlineBinary"));
        assertEquals("{\"vr\":\"LO\"}", o.getJsonObject("00081030").toString());
    }

    @Test
    void refusesDoctypesAndExternalEntitiesWithoutReadingThem(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE NativeDicomModel [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">&x;</Value></DicomAttribute></NativeDicomModel>";
        NativeDicomModelReader.MalformedNativeDicomModelException e = assertThrows(
                NativeDicomModelReader.MalformedNativeDicomModelException.class, () -> read(xxe));
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        String billionLaughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                + "<NativeDicomModel/>";
        assertThrows(NativeDicomModelReader.MalformedNativeDicomModelException.class, () -> read(billionLaughs));
    }

    @Test
    void refusesWhatIsNotANativeDicomModelDataSet() {
        for (String bad : List.of(
                "<NativeDicomModel><DicomAttribute tag=\"00100010\" vr=\"PN\">",          // not closed
                "not xml at all",
                "<Other/>",                                                                  // wrong document element
                "<NativeDicomModel><DicomAttribute tag=\"0010001\" vr=\"PN\"/></NativeDicomModel>",   // short tag
                "<NativeDicomModel><DicomAttribute tag=\"00100010\"/></NativeDicomModel>",            // no vr
                "<NativeDicomModel><DicomAttribute tag=\"00100010\" vr=\"LO\"><Value>x</Value></DicomAttribute></NativeDicomModel>",
                "<NativeDicomModel><DicomAttribute tag=\"00100010\" vr=\"LO\"><Foo/></DicomAttribute></NativeDicomModel>",
                "<NativeDicomModel>text<DicomAttribute tag=\"00100010\" vr=\"LO\"/></NativeDicomModel>",
                "<NativeDicomModel><DicomAttribute tag=\"7FE00010\" vr=\"OB\"><BulkData/></DicomAttribute></NativeDicomModel>")) {
            assertThrows(NativeDicomModelReader.MalformedNativeDicomModelException.class, () -> read(bad), bad);
        }
    }
}
