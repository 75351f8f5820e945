package org.wsiarchive.core.dicom.xml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one data set in the Native DICOM Model of PS3.19 Annex A ({@code application/dicom+xml}, the metadata of a
 * STOW-RS request) into the DICOM JSON Model of PS3.18 F.2, so that {@code Part10FromJson} builds the Part 10
 * object exactly as for {@code application/dicom+json}: one conversion and one set of checks for both media types.
 * The mapping is the inverse of {@link NativeDicomModelWriter}'s: {@code <Value number="n">} → the n-th entry of
 * "Value" (as a string: the reader of the JSON model converts numbers from their DICOM string form, so DS and IS
 * values keep their exact text; an empty or missing number → null), {@code <PersonName>} → the Alphabetic /
 * Ideographic / Phonetic groups joined with '^', {@code <Item>} → SQ items, {@code <BulkData uri>} (or
 * {@code uuid}) → "BulkDataURI", {@code <InlineBinary>} → "InlineBinary".
 *
 * <p>The JDK's StAX parser, with DTDs and external entities off and any DOCTYPE refused: the document comes from
 * the network, so neither entity expansion nor a fetch of an external resource may happen.
 */
public final class NativeDicomModelReader {

    /** The document is not a well-formed PS3.19 Native DICOM Model data set. */
    public static final class MalformedNativeDicomModelException extends Exception {
        public MalformedNativeDicomModelException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String[] NAME_COMPONENTS = {"FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"};
    private static final String[] NAME_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};
    /** Guards against absurd nesting (each level a recursion of the reader). */
    private static final int MAX_SEQUENCE_DEPTH = 64;

    private static final XMLInputFactory FACTORY = secureFactory();

    private NativeDicomModelReader() {}

    private static XMLInputFactory secureFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f;
    }

    /** One {@code <NativeDicomModel>} document as a DICOM JSON data set. */
    public static JsonObject read(InputStream in) throws MalformedNativeDicomModelException {
        XMLStreamReader x = null;
        try {
            x = FACTORY.createXMLStreamReader(in);
            if (nextElement(x) != XMLStreamConstants.START_ELEMENT || !x.getLocalName().equals("NativeDicomModel")) {
                throw malformed(x, "the document element is not NativeDicomModel");
            }
            JsonObject dataset = dataset(x, "NativeDicomModel", 0);
            while (x.hasNext()) {
                int e = x.next();
                if (e == XMLStreamConstants.DTD) throw malformed(x, "a DOCTYPE is not accepted");
                if (e == XMLStreamConstants.START_ELEMENT) throw malformed(x, "content after the NativeDicomModel element");
            }
            return dataset;
        } catch (XMLStreamException e) {
            throw new MalformedNativeDicomModelException("not well-formed XML: " + e.getMessage(), e);
        } finally {
            if (x != null) {
                try {
                    x.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond the parser itself
                }
            }
        }
    }

    /** The DicomAttribute children of the current element (NativeDicomModel or Item), up to its end. */
    private static JsonObject dataset(XMLStreamReader x, String element, int depth) throws XMLStreamException, MalformedNativeDicomModelException {
        JsonObjectBuilder dataset = Json.createObjectBuilder();
        int e;
        while ((e = nextElement(x)) == XMLStreamConstants.START_ELEMENT) {
            if (!x.getLocalName().equals("DicomAttribute")) {
                throw malformed(x, "<" + x.getLocalName() + "> inside <" + element + ">, expected <DicomAttribute>");
            }
            String tag = x.getAttributeValue(null, "tag");
            String vr = x.getAttributeValue(null, "vr");
            if (tag == null || !tag.matches("[0-9A-Fa-f]{8}")) throw malformed(x, "DicomAttribute tag \"" + tag + "\" is not 8 hex digits");
            if (vr == null || !vr.matches("[A-Z]{2}")) throw malformed(x, "DicomAttribute " + tag + " has no valid vr");
            dataset.add(tag.toUpperCase(), attribute(x, tag, vr, depth));
        }
        expectEnd(x, e, element);
        return dataset.build();
    }

    private static JsonObject attribute(XMLStreamReader x, String tag, String vr, int depth)
            throws XMLStreamException, MalformedNativeDicomModelException {
        JsonObjectBuilder a = Json.createObjectBuilder().add("vr", vr);
        Map<Integer, JsonValue> values = new TreeMap<>();
        int e;
        while ((e = nextElement(x)) == XMLStreamConstants.START_ELEMENT) {
            String name = x.getLocalName();
            switch (name) {
                case "Value" -> values.put(number(x, tag), nullIfEmpty(x.getElementText()));
                case "PersonName" -> values.put(number(x, tag), personName(x, tag));
                case "Item" -> {
                    if (depth >= MAX_SEQUENCE_DEPTH) throw malformed(x, "sequences nested deeper than " + MAX_SEQUENCE_DEPTH);
                    values.put(number(x, tag), dataset(x, "Item", depth + 1));
                }
                case "BulkData" -> {
                    String uri = x.getAttributeValue(null, "uri");
                    if (uri == null) uri = x.getAttributeValue(null, "uuid");
                    if (uri == null || uri.isBlank()) throw malformed(x, "BulkData of " + tag + " has neither uri nor uuid");
                    a.add("BulkDataURI", uri.trim());
                    skipElement(x);
                }
                case "InlineBinary" -> a.add("InlineBinary", x.getElementText().replaceAll("\\s", ""));
                default -> throw malformed(x, "<" + name + "> inside DicomAttribute " + tag);
            }
        }
        expectEnd(x, e, "DicomAttribute");
        if (!values.isEmpty()) {
            JsonArrayBuilder array = Json.createArrayBuilder();
            int next = 1;
            for (Map.Entry<Integer, JsonValue> v : values.entrySet()) {
                for (; next < v.getKey(); next++) array.addNull(); // a value left out is an empty value
                array.add(v.getValue());
                next++;
            }
            a.add("Value", array);
        }
        return a.build();
    }

    private static JsonValue personName(XMLStreamReader x, String tag) throws XMLStreamException, MalformedNativeDicomModelException {
        JsonObjectBuilder pn = Json.createObjectBuilder();
        boolean any = false;
        int e;
        while ((e = nextElement(x)) == XMLStreamConstants.START_ELEMENT) {
            String group = x.getLocalName();
            if (!List.of(NAME_GROUPS).contains(group)) throw malformed(x, "<" + group + "> inside PersonName of " + tag);
            String[] components = new String[NAME_COMPONENTS.length];
            int c;
            while ((c = nextElement(x)) == XMLStreamConstants.START_ELEMENT) {
                int i = List.of(NAME_COMPONENTS).indexOf(x.getLocalName());
                if (i < 0) throw malformed(x, "<" + x.getLocalName() + "> inside " + group + " of " + tag);
                components[i] = x.getElementText();
            }
            expectEnd(x, c, group);
            List<String> parts = new ArrayList<>();
            for (String s : components) parts.add(s == null ? "" : s);
            while (!parts.isEmpty() && parts.getLast().isEmpty()) parts.removeLast();
            pn.add(group, String.join("^", parts));
            any = true;
        }
        expectEnd(x, e, "PersonName");
        return any ? pn.build() : JsonValue.NULL;
    }

    private static int number(XMLStreamReader x, String tag) throws MalformedNativeDicomModelException {
        String n = x.getAttributeValue(null, "number");
        try {
            int v = Integer.parseInt(n == null ? "" : n.trim());
            if (v < 1 || v > 1_000_000) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw malformed(x, "<" + x.getLocalName() + "> of " + tag + " has no valid number attribute (\"" + n + "\")");
        }
    }

    private static JsonValue nullIfEmpty(String text) {
        return text.isEmpty() ? JsonValue.NULL : Json.createValue(text);
    }

    /** Skips characters, comments and processing instructions to the next start or end element; a DTD is refused. */
    private static int nextElement(XMLStreamReader x) throws XMLStreamException, MalformedNativeDicomModelException {
        while (x.hasNext()) {
            int e = x.next();
            switch (e) {
                case XMLStreamConstants.START_ELEMENT, XMLStreamConstants.END_ELEMENT -> {
                    return e;
                }
                case XMLStreamConstants.DTD -> throw malformed(x, "a DOCTYPE is not accepted");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw malformed(x, "entity reference &" + x.getLocalName() + "; is not accepted");
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!x.isWhiteSpace()) throw malformed(x, "text outside a value: \"" + x.getText().strip() + "\"");
                }
                default -> { } // comments, processing instructions
            }
        }
        return XMLStreamConstants.END_DOCUMENT;
    }

    private static void skipElement(XMLStreamReader x) throws XMLStreamException, MalformedNativeDicomModelException {
        int e = nextElement(x);
        if (e != XMLStreamConstants.END_ELEMENT) throw malformed(x, "unexpected content inside <" + x.getLocalName() + ">");
    }

    private static void expectEnd(XMLStreamReader x, int event, String element) throws MalformedNativeDicomModelException {
        if (event != XMLStreamConstants.END_ELEMENT || !x.getLocalName().equals(element)) {
            throw malformed(x, "<" + element + "> is not closed where expected");
        }
    }

    private static MalformedNativeDicomModelException malformed(XMLStreamReader x, String message) {
        String where = x.getLocation() == null ? "" : " (line " + x.getLocation().getLineNumber() + ")";
        return new MalformedNativeDicomModelException(message + where, null);
    }
}
