package org.wsiarchive.core.dicom.xml;

import com.pixelmed.dicom.AttributeTag;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.wsiarchive.core.dicom.Keywords;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes a data set in the Native DICOM Model of PS3.19 Annex A ({@code application/dicom+xml}), for WADO-RS
 * metadata requested as {@code multipart/related; type="application/dicom+xml"}.
 *
 * <p>The input is the instance's DICOM JSON (PS3.18 F.2) as the archive stores it, with the BulkDataURIs already
 * absolute: the two models carry the same information (F.2 is defined as a mapping of the Native Model), so the XML
 * is derived from the precomputed JSON instead of parsing the stored file per request, and BulkData URIs come out
 * exactly as in the JSON. Mapping: attribute key → {@code DicomAttribute tag= vr= keyword=} (keyword left out for
 * private and unknown tags, PS3.19 A.1.1), {@code Value} array entries → {@code <Value number="n">} (null → an empty
 * element), PN objects → {@code <PersonName number="n">} with Alphabetic/Ideographic/Phonetic groups split into
 * FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix, SQ items → {@code <Item number="n">},
 * BulkDataURI → {@code <BulkData uri=""/>}, InlineBinary → {@code <InlineBinary>}.
 */
public final class NativeDicomModelWriter {

    public static final String NAMESPACE = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
    private static final String[] NAME_COMPONENTS = {"FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"};
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private NativeDicomModelWriter() {}

    /** One data set as a complete UTF-8 XML document. */
    public static void write(JsonObject dataset, OutputStream out) {
        try {
            XMLStreamWriter x = FACTORY.createXMLStreamWriter(out, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("NativeDicomModel");
            x.writeDefaultNamespace(NAMESPACE);
            x.writeAttribute("xml:space", "preserve");
            attributes(x, dataset);
            x.writeEndElement();
            x.writeEndDocument();
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("data set cannot be written as XML: " + e.getMessage(), e);
        }
    }

    private static void attributes(XMLStreamWriter x, JsonObject dataset) throws XMLStreamException {
        for (Map.Entry<String, JsonValue> e : dataset.entrySet()) {
            String tag = e.getKey();
            JsonObject a = e.getValue().asJsonObject();
            String vr = a.getString("vr", "UN");
            x.writeStartElement("DicomAttribute");
            x.writeAttribute("tag", tag);
            x.writeAttribute("vr", vr);
            String keyword = keyword(tag);
            if (keyword != null) x.writeAttribute("keyword", keyword);
            if (a.containsKey("BulkDataURI")) {
                x.writeEmptyElement("BulkData");
                x.writeAttribute("uri", a.getString("BulkDataURI"));
            } else if (a.containsKey("InlineBinary")) {
                x.writeStartElement("InlineBinary");
                x.writeCharacters(a.getString("InlineBinary"));
                x.writeEndElement();
            } else if (a.containsKey("Value")) {
                JsonArray values = a.getJsonArray("Value");
                for (int i = 0; i < values.size(); i++) {
                    JsonValue v = values.get(i);
                    String number = Integer.toString(i + 1);
                    switch (vr) {
                        case "SQ" -> {
                            x.writeStartElement("Item");
                            x.writeAttribute("number", number);
                            attributes(x, v.asJsonObject());
                            x.writeEndElement();
                        }
                        case "PN" -> personName(x, v, number);
                        default -> {
                            if (v.getValueType() == JsonValue.ValueType.NULL) {
                                x.writeEmptyElement("Value");
                                x.writeAttribute("number", number);
                            } else {
                                x.writeStartElement("Value");
                                x.writeAttribute("number", number);
                                characters(x, text(v));
                                x.writeEndElement();
                            }
                        }
                    }
                }
            }
            x.writeEndElement();
        }
    }

    private static void personName(XMLStreamWriter x, JsonValue v, String number) throws XMLStreamException {
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            x.writeEmptyElement("PersonName");
            x.writeAttribute("number", number);
            return;
        }
        JsonObject pn = v.asJsonObject();
        x.writeStartElement("PersonName");
        x.writeAttribute("number", number);
        for (String group : new String[]{"Alphabetic", "Ideographic", "Phonetic"}) {
            String value = pn.getString(group, null);
            if (value == null) continue;
            x.writeStartElement(group);
            String[] components = value.split("\\^", -1);
            for (int i = 0; i < components.length && i < NAME_COMPONENTS.length; i++) {
                if (components[i].isEmpty()) continue;
                x.writeStartElement(NAME_COMPONENTS[i]);
                characters(x, components[i]);
                x.writeEndElement();
            }
            x.writeEndElement();
        }
        x.writeEndElement();
    }

    /**
     * Character data with each carriage return as the reference {@code &#13;}: an XML parser turns a literal CR (and
     * CR LF) into LF (XML 1.0, 2.11), so LT/ST/UT values with CR LF line ends would not read back as they are stored.
     */
    private static void characters(XMLStreamWriter x, String text) throws XMLStreamException {
        int from = 0, cr;
        while ((cr = text.indexOf('\r', from)) >= 0) {
            x.writeCharacters(text.substring(from, cr));
            x.writeEntityRef("#13");
            from = cr + 1;
        }
        x.writeCharacters(text.substring(from));
    }

    private static String text(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> ((JsonNumber) v).toString();
            default -> v.toString();
        };
    }

    /** The PS3.6 keyword of a standard tag; null for private tags and tags the dictionary does not know. */
    static String keyword(String hexTag) {
        int group = Integer.parseInt(hexTag.substring(0, 4), 16);
        if ((group & 1) == 1) return null;
        AttributeTag tag = new AttributeTag(group, Integer.parseInt(hexTag.substring(4), 16));
        String k = Keywords.keyword(tag);
        return k == null || k.startsWith("(") ? null : k;
    }
}
