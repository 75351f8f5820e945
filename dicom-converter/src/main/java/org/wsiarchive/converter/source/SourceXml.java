package org.wsiarchive.converter.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** XML metadata in TIFF ImageDescriptions (OME-XML, Philips DPUfsImport), parsed with the JDK's DOM parser. */
final class SourceXml {
    private SourceXml() {
    }

    /**
     * Parses a description without resolving DTDs or external entities (the text comes from an untrusted file).
     *
     * @param what name of the dialect for the error message
     */
    static Document parse(String description, String what) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            // TiffDirectory.string() maps bytes 1:1 (ISO-8859-1): give the parser the original bytes
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(description.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (Exception e) {
            throw new SourceException("malformed " + what + ": " + e.getMessage(), e);
        }
    }

    /** First descendant element with this local name (any namespace), or null. */
    static Element first(Element parent, String name) {
        NodeList l = parent.getElementsByTagNameNS("*", name);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }
}
