package org.wsiarchive.core.dicom.xml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.*;

class NativeDicomModelWriterTest {

    private static Document xml(String json) throws Exception {
        JsonObject o = Json.createReader(new StringReader(json)).readObject();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NativeDicomModelWriter.write(o, out);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void mapsEveryKindOfValue() throws Exception {
        Document d = xml("""
                {"00080060":{"vr":"CS","Value":["SM"]},
                 "00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe^Jane^^Dr","Ideographic":"山田^太郎"}]},
                 "00200037":{"vr":"DS","Value":[1,0.5,null]},
                 "00209165":{"vr":"AT","Value":["0048021E"]},
                 "00480105":{"vr":"SQ","Value":[{"00282000":{"vr":"OB","BulkDataURI":"https://h/b/1"}}]},
                 "00091010":{"vr":"LO","Value":["private"]},
                 "00283006":{"vr":"OW","InlineBinary":"AAEC"},
                 "00081030":{"vr":"LO"}}
                """);
        Element root = d.getDocumentElement();
        assertEquals(NativeDicomModelWriter.NAMESPACE, root.getNamespaceURI());
        NodeList attrs = d.getElementsByTagNameNS(NativeDicomModelWriter.NAMESPACE, "DicomAttribute");
        assertEquals(9, attrs.getLength());
        Element modality = (Element) attrs.item(0);
        assertEquals("Modality", modality.getAttribute("keyword"));
        assertEquals("SM", modality.getTextContent());
        Element pn = (Element) d.getElementsByTagNameNS("*", "PersonName").item(0);
        assertEquals("1", pn.getAttribute("number"));
        assertEquals("Doe", d.getElementsByTagNameNS("*", "FamilyName").item(0).getTextContent());
        assertEquals("Jane", d.getElementsByTagNameNS("*", "GivenName").item(0).getTextContent());
        assertEquals("Dr", d.getElementsByTagNameNS("*", "NamePrefix").item(0).getTextContent());
        assertEquals("山田", d.getElementsByTagNameNS("*", "FamilyName").item(1).getTextContent());
        NodeList values = ((Element) attrs.item(2)).getElementsByTagNameNS("*", "Value");
        assertEquals(3, values.getLength());
        assertEquals("0.5", values.item(1).getTextContent());
        assertEquals("", values.item(2).getTextContent());
        assertEquals("3", ((Element) values.item(2)).getAttribute("number"));
        assertEquals("0048021E", ((Element) attrs.item(3)).getElementsByTagNameNS("*", "Value").item(0).getTextContent());
        Element item = (Element) d.getElementsByTagNameNS("*", "Item").item(0);
        assertEquals("1", item.getAttribute("number"));
        assertEquals("https://h/b/1", ((Element) item.getElementsByTagNameNS("*", "BulkData").item(0)).getAttribute("uri"));
        Element priv = null;
        for (int i = 0; i < attrs.getLength(); i++) if (((Element) attrs.item(i)).getAttribute("tag").equals("00091010")) priv = (Element) attrs.item(i);
        assertFalse(priv.hasAttribute("keyword"), "private attributes have no keyword");
        assertEquals("AAEC", d.getElementsByTagNameNS("*", "InlineBinary").item(0).getTextContent());
    }
}
