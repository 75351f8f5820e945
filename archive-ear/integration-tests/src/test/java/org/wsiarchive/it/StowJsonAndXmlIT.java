package org.wsiarchive.it;

import com.pixelmed.dicom.*;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.*;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.*;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.*;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Metadata as PS3.19 XML, STOW-RS of DICOM JSON and of PS3.19 XML metadata with bulk data, the HTTP details (406, 404, gzip, Vary,
 * HTTP/2), the capabilities document, and a STOW-RS of an instance larger than the server's heap.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StowJsonAndXmlIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private static final String NATIVE_DICOM_NS = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
    private static final String XML_METADATA = "multipart/related; type=\"application/dicom+xml\"";
    private static final String ALL_FRAMES = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";

    private final DicomWebClient client = new DicomWebClient(ArchiveDeployment.BASE);
    private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static AttributeList header(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        return list;
    }

    private static String newUid() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    private String storePart10(Path file) throws Exception {
        HttpResponse<byte[]> r = client.stow(List.of(file));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return TestObjects.instancePath(header(file));
    }

    // ---- metadata as XML ------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void metadataAsNativeDicomModelXmlWithAbsoluteBulkDataUrisBehindAProxy() throws Exception {
        Path file = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/highdicom/sm_image.dcm"));
        AttributeList source = header(file);
        String instance = storePart10(file);

        HttpResponse<byte[]> r = client.get(instance + "/metadata", XML_METADATA,
                Map.of("X-Forwarded-Host", "pacs.example.org", "X-Forwarded-Proto", "https"));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("multipart/related"));
        assertTrue(r.headers().firstValue("Vary").orElse("").contains("Accept"));
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertEquals(1, parts.size());
        assertTrue(parts.get(0).contentType().startsWith("application/dicom+xml"));

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(parts.get(0).body()));
        Element root = doc.getDocumentElement();
        assertEquals("NativeDicomModel", root.getLocalName());
        assertEquals(NATIVE_DICOM_NS, root.getNamespaceURI());

        Element sop = attribute(root, "00080018");
        assertEquals("SOPInstanceUID", sop.getAttribute("keyword"));
        assertEquals("UI", sop.getAttribute("vr"));
        assertEquals(Attribute.getSingleStringValueOrNull(source, TagFromName.SOPInstanceUID), value(sop, 1));

        Element rows = attribute(root, "00280010");
        assertEquals("US", rows.getAttribute("vr"));
        assertEquals(Attribute.getSingleStringValueOrNull(source, TagFromName.Rows), value(rows, 1));

        Element patient = attribute(root, "00100010");
        assertEquals("PN", patient.getAttribute("vr"));
        assertEquals("PatientName", patient.getAttribute("keyword"));
        Element alphabetic = child(child(patient, "PersonName"), "Alphabetic");
        assertEquals("Test", child(alphabetic, "FamilyName").getTextContent());
        assertEquals("Patient", child(alphabetic, "GivenName").getTextContent());

        Element pixel = attribute(root, "7FE00010");
        assertEquals("OB", pixel.getAttribute("vr"));
        String pixelUri = child(pixel, "BulkData").getAttribute("uri");
        assertTrue(pixelUri.startsWith("https://pacs.example.org/dicom-web" + instance + "/bulkdata/"), pixelUri);

        // the ICC profile inside OpticalPathSequence item 1: nested Item, BulkData with an absolute URI
        Element opticalPath = attribute(root, "00480105");
        assertEquals("SQ", opticalPath.getAttribute("vr"));
        Element item = child(opticalPath, "Item");
        assertEquals("1", item.getAttribute("number"));
        Element icc = null;
        for (Element e : children(item, "DicomAttribute")) if (e.getAttribute("tag").equals("00282000")) icc = e;
        assertNotNull(icc, "ICCProfile in OpticalPathSequence");
        String iccUri = child(icc, "BulkData").getAttribute("uri");
        assertTrue(iccUri.startsWith("https://pacs.example.org/dicom-web/"), iccUri);

        // every DicomAttribute has a tag and a vr; standard ones a keyword
        NodeList all = doc.getElementsByTagNameNS(NATIVE_DICOM_NS, "DicomAttribute");
        assertTrue(all.getLength() > 50);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            assertTrue(e.getAttribute("tag").matches("[0-9A-F]{8}"), e.getAttribute("tag"));
            assertTrue(e.getAttribute("vr").matches("[A-Z]{2}"));
        }

        // the same metadata as JSON carries the same URIs (the XML is derived from it)
        HttpResponse<byte[]> json = client.get(instance + "/metadata", "application/dicom+json",
                Map.of("X-Forwarded-Host", "pacs.example.org", "X-Forwarded-Proto", "https"));
        JsonObject j = DicomWebClient.jsonArray(json.body()).getJsonObject(0);
        assertEquals(pixelUri, j.getJsonObject("7FE00010").getString("BulkDataURI"));

        // HTTP details: 406 for what cannot be given, 404 for what is not there
        assertEquals(406, client.get(instance + "/metadata", "application/dicom+xml").statusCode(),
                "XML metadata is only multipart (PS3.18)");
        assertEquals(406, client.get(instance + "/metadata", "image/png").statusCode());
        assertEquals(404, client.get("/studies/1.2.3.4.5.6.7.8.9/metadata", XML_METADATA).statusCode());
        // a study holding the instance, in XML: one part per instance
        String study = Attribute.getSingleStringValueOrNull(source, TagFromName.StudyInstanceUID);
        assertEquals(1, DicomWebClient.parts(client.get("/studies/" + study + "/metadata", XML_METADATA)).size());
    }

    private static Element attribute(Element parent, String tag) {
        for (Element e : children(parent, "DicomAttribute")) {
            if (e.getAttribute("tag").equals(tag)) return e;
        }
        throw new AssertionError("no DicomAttribute " + tag);
    }

    private static String value(Element attribute, int number) {
        for (Element v : children(attribute, "Value")) {
            if (v.getAttribute("number").equals(Integer.toString(number))) return v.getTextContent();
        }
        return null;
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        if (c.isEmpty()) throw new AssertionError("no " + name + " in " + parent.getTagName());
        return c.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) out.add(e);
        }
        return out;
    }

    // ---- STOW-RS with DICOM JSON metadata and bulk data -----------------------------------------------------------

    @Test
    @Order(2)
    void jsonMetadataWithEncapsulatedAndNativeBulkDataRoundTrips() throws Exception {
        // JPEG-LS encapsulated (one part per frame) and native (one part), both with a nested ICC profile
        for (String name : List.of("dicom-wsi/highdicom/sm_image_jpegls.dcm", "dicom-wsi/highdicom/sm_image.dcm")) {
            roundTrip(TestObjects.withNewUids(ArchiveDeployment.testdata(name)), name, false);
        }
    }

    @Test
    @Order(8)
    void xmlMetadataWithEncapsulatedAndNativeBulkDataRoundTrips() throws Exception {
        // the same round trip with the metadata as PS3.19 XML, as this archive's WADO-RS writes it
        for (String name : List.of("dicom-wsi/highdicom/sm_image_jpegls.dcm", "dicom-wsi/highdicom/sm_image.dcm")) {
            roundTrip(TestObjects.withNewUids(ArchiveDeployment.testdata(name)), name, true);
        }
    }

    @Test
    @Order(9)
    void xmlStowRefusals() throws Exception {
        String boundary = "badxml-" + UUID.randomUUID();
        String type = "multipart/related; type=\"application/dicom+xml\"; boundary=" + boundary;
        String study = newUid();
        String dataset = "<DicomAttribute tag=\"00080016\" vr=\"UI\"><Value number=\"1\">1.2.840.10008.5.1.4.1.1.7</Value></DicomAttribute>"
                + "<DicomAttribute tag=\"00080018\" vr=\"UI\"><Value number=\"1\">" + newUid() + "</Value></DicomAttribute>"
                + "<DicomAttribute tag=\"0020000D\" vr=\"UI\"><Value number=\"1\">" + study + "</Value></DicomAttribute>"
                + "<DicomAttribute tag=\"0020000E\" vr=\"UI\"><Value number=\"1\">" + newUid() + "</Value></DicomAttribute>"
                + "<DicomAttribute tag=\"00080060\" vr=\"CS\"><Value number=\"1\">OT</Value></DicomAttribute>"
                + "<DicomAttribute tag=\"00100010\" vr=\"PN\"><PersonName number=\"1\"><Alphabetic><FamilyName>Müller</FamilyName>"
                + "<GivenName>Jörg</GivenName></Alphabetic></PersonName></DicomAttribute>";
        String ns = "<NativeDicomModel xmlns=\"" + NATIVE_DICOM_NS + "\">";
        // not well-formed, and a DOCTYPE with an external entity: 400, nothing stored
        for (String bad : List.of(ns + dataset, "<?xml version=\"1.0\"?><!DOCTYPE NativeDicomModel [<!ENTITY x SYSTEM"
                + " \"file:///etc/passwd\">]>" + ns + dataset + "<DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">&x;"
                + "</Value></DicomAttribute></NativeDicomModel>")) {
            HttpResponse<byte[]> r = client.post("/studies", type, DicomWebClient.multipart(boundary,
                    List.of(new DicomWebClient.Part("application/dicom+xml", bad.getBytes(StandardCharsets.UTF_8))), true));
            assertEquals(400, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains("root:"), "the entity was expanded");
        }
        assertEquals(0, client.qido("/studies?StudyInstanceUID=" + study).size());
        // a BulkData uri that no part carries: the data set fails on its own (C000)
        String missing = ns + dataset + "<DicomAttribute tag=\"7FE00010\" vr=\"OB\"><BulkData uri=\"http://nowhere/pixels\"/>"
                + "</DicomAttribute></NativeDicomModel>";
        HttpResponse<byte[]> unresolved = client.post("/studies", type, DicomWebClient.multipart(boundary,
                List.of(new DicomWebClient.Part("application/dicom+xml", missing.getBytes(StandardCharsets.UTF_8))), true));
        assertEquals(400, unresolved.statusCode());
        JsonObject failed = DicomWebClient.jsonObject(unresolved.body()).getJsonObject("00081198").getJsonArray("Value").getJsonObject(0);
        assertEquals(0xC000, Integer.parseInt(DicomWebClient.value(failed, "00081197")));
        assertEquals(0, client.qido("/studies?StudyInstanceUID=" + study).size());
        // well-formed, no pixel data, non-ASCII name: stored, name intact
        HttpResponse<byte[]> stored = client.post("/studies", type, DicomWebClient.multipart(boundary,
                List.of(new DicomWebClient.Part("application/dicom+xml", (ns + dataset + "</NativeDicomModel>")
                        .getBytes(StandardCharsets.UTF_8))), true));
        assertEquals(200, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
        JsonArray found = client.qido("/studies?StudyInstanceUID=" + study + "&includefield=PatientName");
        assertEquals("Müller^Jörg", DicomWebClient.value(found.getJsonObject(0), "00100010"));
    }

    /**
     * Stores {@code file} as Part 10 (instance A), takes its metadata and bulk data from the archive, and stores them
     * again under new UIDs as JSON (or, with {@code xml}, PS3.19 XML as the archive serves it) + bulk data
     * (instance B): B's metadata must equal A's but for the UIDs, and B's frames and stored file content must equal A's.
     */
    private void roundTrip(Path file, String name, boolean xml) throws Exception {
        String a = storePart10(file);
        JsonObject metaA = DicomWebClient.jsonArray(client.get(a + "/metadata", "application/dicom+json").body()).getJsonObject(0);
        String studyA = DicomWebClient.value(metaA, "0020000D"), seriesA = DicomWebClient.value(metaA, "0020000E"),
                sopA = DicomWebClient.value(metaA, "00080018");
        String studyB = newUid(), seriesB = newUid(), sopB = newUid();
        String metaText = metaA.toString().replace(studyA, studyB).replace(seriesA, seriesB).replace(sopA, sopB);
        JsonObject metaB = Json.createReader(new StringReader(metaText)).readObject();

        // bulk data parts: every BulkDataURI of the new metadata, fetched from A; Pixel Data as A's frames
        String boundary = "json-" + UUID.randomUUID();
        List<byte[]> pieces = new ArrayList<>();
        if (xml) {
            HttpResponse<byte[]> xmlA = client.get(a + "/metadata", XML_METADATA);
            assertEquals(200, xmlA.statusCode());
            String text = new String(DicomWebClient.parts(xmlA).get(0).body(), StandardCharsets.UTF_8);
            assertTrue(text.contains("<BulkData uri="), text);
            pieces.add(partHeader(boundary, "application/dicom+xml", null));
            pieces.add(text.replace(studyA, studyB).replace(seriesA, seriesB).replace(sopA, sopB).getBytes(StandardCharsets.UTF_8));
        } else {
            pieces.add(partHeader(boundary, "application/dicom+json", null));
            pieces.add(Json.createArrayBuilder().add(metaB).build().toString().getBytes(StandardCharsets.UTF_8));
        }
        List<DicomWebClient.Part> framesA = DicomWebClient.parts(client.get(a + "/frames/" + frameList(metaA), ALL_FRAMES));
        String pixelUri = metaB.getJsonObject("7FE00010").getString("BulkDataURI");
        for (DicomWebClient.Part frame : framesA) {
            String type = frame.contentType();
            boolean nativeFrames = type.contains("1.2.840.10008.1.2.1");
            if (nativeFrames) break; // native: one part with all frames, below
            pieces.add(("\r\n").getBytes(StandardCharsets.US_ASCII));
            pieces.add(partHeader(boundary, type, pixelUri));
            pieces.add(frame.body());
        }
        if (framesA.get(0).contentType().contains("1.2.840.10008.1.2.1")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (DicomWebClient.Part frame : framesA) all.writeBytes(frame.body());
            pieces.add(("\r\n").getBytes(StandardCharsets.US_ASCII));
            pieces.add(partHeader(boundary, "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", pixelUri));
            pieces.add(all.toByteArray());
        }
        for (String uri : bulkDataUris(metaB)) {
            if (uri.equals(pixelUri)) continue;
            String fromA = uri.replace(studyB, studyA).replace(seriesB, seriesA).replace(sopB, sopA);
            HttpResponse<byte[]> value = client.get(fromA, "application/octet-stream");
            assertEquals(200, value.statusCode(), fromA);
            pieces.add(("\r\n").getBytes(StandardCharsets.US_ASCII));
            pieces.add(partHeader(boundary, "application/octet-stream", uri));
            pieces.add(value.body());
        }
        pieces.add(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        pieces.forEach(body::writeBytes);

        HttpResponse<byte[]> stored = client.post("/studies", "multipart/related; type=\"application/dicom+"
                + (xml ? "xml" : "json") + "\"; boundary=" + boundary, body.toByteArray());
        assertEquals(200, stored.statusCode(), name + ": " + new String(stored.body(), StandardCharsets.UTF_8));
        JsonObject response = DicomWebClient.jsonObject(stored.body());
        JsonObject referenced = response.getJsonObject("00081199").getJsonArray("Value").getJsonObject(0);
        assertEquals(sopB, DicomWebClient.value(referenced, "00081155"));

        String b = "/studies/" + studyB + "/series/" + seriesB + "/instances/" + sopB;
        JsonObject fetchedB = DicomWebClient.jsonArray(client.get(b + "/metadata", "application/dicom+json").body()).getJsonObject(0);
        assertEquals(metaB, fetchedB, name + ": metadata of the instance built from JSON differs from the source's");

        List<DicomWebClient.Part> framesB = DicomWebClient.parts(client.get(b + "/frames/" + frameList(metaA), ALL_FRAMES));
        assertEquals(framesA.size(), framesB.size());
        for (int i = 0; i < framesA.size(); i++) {
            assertArrayEquals(framesA.get(i).body(), framesB.get(i).body(), name + ": frame " + (i + 1));
            assertEquals(framesA.get(i).contentType(), framesB.get(i).contentType());
        }
        // the whole instance: a Part 10 file PixelMed reads, with the pixel data of the source
        HttpResponse<byte[]> part10 = client.get(b, "application/dicom; transfer-syntax=*");
        assertEquals(200, part10.statusCode());
        AttributeList readB = new AttributeList();
        readB.read(new DicomInputStream(new ByteArrayInputStream(part10.body())), TagFromName.PixelData);
        AttributeList source = header(file);
        assertEquals(Attribute.getSingleStringValueOrNull(source, TagFromName.TransferSyntaxUID),
                Attribute.getSingleStringValueOrNull(readB, TagFromName.TransferSyntaxUID));
        assertEquals(Attribute.getSingleStringValueOrNull(source, TagFromName.PatientName),
                Attribute.getSingleStringValueOrNull(readB, TagFromName.PatientName));
    }

    private static byte[] partHeader(String boundary, String type, String location) {
        return ("--" + boundary + "\r\nContent-Type: " + type + "\r\n"
                + (location == null ? "" : "Content-Location: " + location + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String frameList(JsonObject meta) {
        int n = Integer.parseInt(DicomWebClient.value(meta, "00280008"));
        StringJoiner j = new StringJoiner(",");
        for (int i = 1; i <= n; i++) j.add(Integer.toString(i));
        return j.toString();
    }

    private static List<String> bulkDataUris(JsonValue v) {
        List<String> out = new ArrayList<>();
        if (v instanceof JsonObject o) {
            if (o.containsKey("BulkDataURI")) out.add(o.getString("BulkDataURI"));
            o.values().forEach(x -> out.addAll(bulkDataUris(x)));
        } else if (v instanceof JsonArray a) {
            a.forEach(x -> out.addAll(bulkDataUris(x)));
        }
        return out;
    }

    @Test
    @Order(3)
    void jsonStowRefusals() throws Exception {
        String boundary = "bad-" + UUID.randomUUID();
        String type = "multipart/related; type=\"application/dicom+json\"; boundary=" + boundary;
        String study = newUid();
        String dataset = "{\"00080016\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.7\"]},"
                + "\"00080018\":{\"vr\":\"UI\",\"Value\":[\"" + newUid() + "\"]},"
                + "\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"" + study + "\"]},"
                + "\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"" + newUid() + "\"]},"
                + "\"00080060\":{\"vr\":\"CS\",\"Value\":[\"OT\"]},"
                + "\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Müller^Jörg\"}]}";

        // malformed metadata part: 400, nothing stored
        HttpResponse<byte[]> malformed = client.post("/studies", type, DicomWebClient.multipart(boundary,
                List.of(new DicomWebClient.Part("application/dicom+json", "[{\"00080018\": ".getBytes(StandardCharsets.UTF_8))), true));
        assertEquals(400, malformed.statusCode());

        // a BulkDataURI that no part carries: FailedSOPSequence, reason C000 (cannot understand), 400
        String missing = "[" + dataset + ",\"7FE00010\":{\"vr\":\"OB\",\"BulkDataURI\":\"http://nowhere/pixels\"}}]";
        HttpResponse<byte[]> unresolved = client.post("/studies", type, DicomWebClient.multipart(boundary,
                List.of(new DicomWebClient.Part("application/dicom+json", missing.getBytes(StandardCharsets.UTF_8))), true));
        assertEquals(400, unresolved.statusCode());
        JsonObject failed = DicomWebClient.jsonObject(unresolved.body()).getJsonObject("00081198").getJsonArray("Value").getJsonObject(0);
        assertEquals(0xC000, Integer.parseInt(DicomWebClient.value(failed, "00081197")));
        assertTrue(unresolved.headers().firstValue("Warning").orElse("").contains("Content-Location"));
        assertEquals(0, client.qido("/studies?StudyInstanceUID=" + study).size());

        // into another study: 409
        byte[] ok = DicomWebClient.multipart(boundary, List.of(new DicomWebClient.Part("application/dicom+json",
                ("[" + dataset + "}]").getBytes(StandardCharsets.UTF_8))), true);
        assertEquals(409, client.post("/studies/" + newUid(), type, ok).statusCode());
        // an unsupported root type: 415
        assertEquals(415, client.post("/studies", "multipart/related; type=\"application/pdf\"; boundary=" + boundary, ok).statusCode());
        assertEquals(415, client.post("/studies", "application/dicom+json", ok).statusCode());

        // a data set without pixel data, with a non-ASCII name: stored, name intact
        HttpResponse<byte[]> stored = client.post("/studies", type, ok);
        assertEquals(200, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
        JsonArray found = client.qido("/studies?StudyInstanceUID=" + study + "&includefield=PatientName");
        assertEquals("Müller^Jörg", DicomWebClient.value(found.getJsonObject(0), "00100010"));
    }

    // ---- HTTP: gzip, Vary, HTTP/2, capabilities -------------------------------------------------------------------

    @Test
    @Order(4)
    void gzipForJsonAndXmlWhenAsked() throws Exception {
        Path file = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/highdicom/sm_image_jpegls.dcm"));
        String instance = storePart10(file);
        for (String accept : List.of("application/dicom+json", XML_METADATA)) {
            HttpResponse<byte[]> plain = client.get(instance + "/metadata", accept);
            HttpResponse<byte[]> gz = client.get(instance + "/metadata", accept, Map.of("Accept-Encoding", "gzip"));
            assertEquals(200, gz.statusCode());
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(null), accept);
            assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
            byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
            assertTrue(gz.body().length < unzipped.length);
            System.out.printf("gzip %s metadata: %d -> %d bytes%n", accept, unzipped.length, gz.body().length);
            String vary = String.join(",", gz.headers().allValues("Vary"));
            assertTrue(vary.contains("Accept-Encoding") && vary.contains("Accept"), vary);
            if (accept.startsWith("application")) {
                assertEquals(DicomWebClient.jsonArray(plain.body()), DicomWebClient.jsonArray(unzipped));
            } else {
                // boundaries differ per response; the XML documents must not
                String ct = gz.headers().firstValue("Content-Type").orElseThrow();
                HttpResponse<byte[]> asIfPlain = withBody(gz, unzipped);
                assertEquals(new String(DicomWebClient.parts(plain).get(0).body(), StandardCharsets.UTF_8),
                        new String(DicomWebClient.parts(asIfPlain).get(0).body(), StandardCharsets.UTF_8), ct);
            }
        }
        // QIDO JSON is compressed too; frames are not
        HttpResponse<byte[]> qido = client.get("/studies?limit=5", "application/dicom+json", Map.of("Accept-Encoding", "gzip"));
        assertEquals("gzip", qido.headers().firstValue("Content-Encoding").orElse(null));
        assertTrue(String.join(",", qido.headers().allValues("Vary")).contains("Accept-Encoding"));
        HttpResponse<byte[]> frame = client.get(instance + "/frames/1", ALL_FRAMES, Map.of("Accept-Encoding", "gzip"));
        assertEquals(200, frame.statusCode());
        assertTrue(frame.headers().firstValue("Content-Encoding").isEmpty());
        assertEquals("Accept", String.join(",", frame.headers().allValues("Vary")));
    }

    private static HttpResponse<byte[]> withBody(HttpResponse<byte[]> r, byte[] body) {
        return new HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public HttpRequest request() { return r.request(); }
            public Optional<HttpResponse<byte[]>> previousResponse() { return Optional.empty(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public byte[] body() { return body; }
            public Optional<javax.net.ssl.SSLSession> sslSession() { return Optional.empty(); }
            public URI uri() { return r.uri(); }
            public HttpClient.Version version() { return r.version(); }
        };
    }

    @Test
    @Order(5)
    void http2ByUpgrade() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(ArchiveDeployment.BASE + "/studies?limit=1"))
                .header("Accept", "application/dicom+json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        // and the connection keeps speaking HTTP/2
        HttpResponse<String> again = h2.send(HttpRequest.newBuilder(URI.create(ArchiveDeployment.BASE + "/studies?limit=1"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, again.version());
    }

    @Test
    @Order(6)
    void capabilitiesAsWadl() throws Exception {
        HttpResponse<byte[]> r = http1.send(HttpRequest.newBuilder(URI.create(ArchiveDeployment.BASE + "/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Accept", "application/vnd.sun.wadl+xml").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/vnd.sun.wadl+xml"));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
        assertEquals("application", doc.getDocumentElement().getLocalName());
        Element resources = (Element) doc.getElementsByTagNameNS("*", "resources").item(0);
        assertEquals(ArchiveDeployment.BASE + "/", resources.getAttribute("base"));
        Map<String, Element> byPath = new HashMap<>();
        NodeList list = doc.getElementsByTagNameNS("*", "resource");
        for (int i = 0; i < list.getLength(); i++) byPath.put(((Element) list.item(i)).getAttribute("path"), (Element) list.item(i));
        Element metadata = byPath.get("studies/{study}/series/{series}/instances/{instance}/metadata");
        assertNotNull(metadata, byPath.keySet().toString());
        String metadataText = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(metadataText.contains("application/dicom+xml"));
        Element studies = byPath.get("studies");
        Set<String> methods = new HashSet<>();
        NodeList m = studies.getElementsByTagNameNS("*", "method");
        for (int i = 0; i < m.getLength(); i++) methods.add(((Element) m.item(i)).getAttribute("name"));
        assertEquals(Set.of("GET", "POST"), methods);
        // GET on the base gives the same document; an Accept it cannot satisfy gives 406
        assertEquals(200, client.get("/", null).statusCode());
        assertEquals(406, client.get("/", "application/pdf").statusCode());
    }

    // ---- a STOW-RS body larger than the server's heap -------------------------------------------------------------

    /** 2048 x 2048 RGB native frames, 12 MiB each; 88 of them make a 1.1 GB instance (the server runs with -Xmx1g). */
    private static final int SIDE = 2048, FRAMES = 88;
    private static final int FRAME_BYTES = SIDE * SIDE * 3;

    @Test
    @Order(7)
    void instanceLargerThanTheHeapStreamsToDisk() throws Exception {
        Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("large"));
        Path big = dir.resolve("large-" + UUID.randomUUID() + ".dcm");
        String study = newUid(), series = newUid(), sop = newUid();
        String storedPath = null;
        try {
            long start = System.nanoTime();
            String sourceSha = writeLargeInstance(big, study, series, sop);
            long size = Files.size(big);
            assertTrue(size > 1_000_000_000L, "size " + size);
            long generated = System.nanoTime();

            String boundary = "large-" + UUID.randomUUID();
            HttpRequest request = HttpRequest.newBuilder(URI.create(ArchiveDeployment.BASE + "/studies"))
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                    .timeout(Duration.ofMinutes(10))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                        try {
                            return new SequenceInputStream(Collections.enumeration(List.of(
                                    new ByteArrayInputStream(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                                            .getBytes(StandardCharsets.US_ASCII)),
                                    new BufferedInputStream(Files.newInputStream(big), 1 << 16),
                                    new ByteArrayInputStream(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)))));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })).build();
            HttpResponse<byte[]> r = http1.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long stowed = System.nanoTime();
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));

            try (Connection c = ItEnvironment.archiveDatabase();
                 PreparedStatement s = c.prepareStatement("select storage_path, sha256 from instance where sop_iuid = ?")) {
                s.setString(1, sop);
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    storedPath = rs.getString(1);
                    assertEquals(sourceSha, rs.getString(2));
                }
            }
            Path stored = ItEnvironment.storageDir().resolve(storedPath);
            assertEquals(size, Files.size(stored));
            assertEquals(sourceSha, sha256(stored), "the stored file is the sent file, byte for byte");

            // a frame near the end, served by position from the stored file
            int frame = FRAMES - 1;
            HttpResponse<byte[]> f = client.get("/studies/" + study + "/series/" + series + "/instances/" + sop + "/frames/" + frame,
                    ALL_FRAMES);
            assertEquals(200, f.statusCode());
            List<DicomWebClient.Part> parts = DicomWebClient.parts(f);
            assertEquals(1, parts.size());
            assertArrayEquals(frameContent(frame), parts.get(0).body());
            System.out.printf("large STOW-RS: %d bytes; generated in %.1f s, stored in %.1f s (%.0f MB/s), frame %d checked%n",
                    size, (generated - start) / 1e9, (stowed - generated) / 1e9, size / 1e6 / ((stowed - generated) / 1e9), frame);
        } finally {
            // the stored copy stays: it is part of the archive now, and later tests check files and index agree
            Files.deleteIfExists(big);
        }
    }

    /** Frame n's bytes: a pseudo-random sequence seeded by n, so that any frame can be recomputed to compare. */
    private static byte[] frameContent(int n) {
        byte[] b = new byte[FRAME_BYTES];
        new SplittableRandom(0x5EED0000L + n).nextBytes(b);
        return b;
    }

    /** Writes the instance frame by frame (never more than one frame in memory); returns its SHA-256. */
    private static String writeLargeInstance(Path target, String study, String series, String sop) throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.77.1.6");
        put(list, TagFromName.SOPInstanceUID, "UI", sop);
        put(list, TagFromName.StudyInstanceUID, "UI", study);
        put(list, TagFromName.SeriesInstanceUID, "UI", series);
        put(list, TagFromName.Modality, "CS", "SM");
        put(list, TagFromName.PatientName, "PN", "Large^Instance");
        put(list, TagFromName.PatientID, "LO", "LARGE-1");
        put(list, TagFromName.ImageType, "CS", "DERIVED\\PRIMARY\\VOLUME\\NONE");
        put(list, TagFromName.Rows, "US", Integer.toString(SIDE));
        put(list, TagFromName.Columns, "US", Integer.toString(SIDE));
        put(list, TagFromName.SamplesPerPixel, "US", "3");
        put(list, TagFromName.PhotometricInterpretation, "CS", "RGB");
        put(list, TagFromName.PlanarConfiguration, "US", "0");
        put(list, TagFromName.BitsAllocated, "US", "8");
        put(list, TagFromName.BitsStored, "US", "8");
        put(list, TagFromName.HighBit, "US", "7");
        put(list, TagFromName.PixelRepresentation, "US", "0");
        put(list, TagFromName.NumberOfFrames, "IS", Integer.toString(FRAMES));
        put(list, TagFromName.TotalPixelMatrixColumns, "UL", Integer.toString(SIDE * 11));
        put(list, TagFromName.TotalPixelMatrixRows, "UL", Integer.toString(SIDE * 8));
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "WSIARCHIVE-IT");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(target), 1 << 20), sha)) {
            DicomOutputStream dout = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian);
            list.write(dout, true);
            dout.flush();
            long length = (long) FRAME_BYTES * FRAMES;
            out.write(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x7FE0).putShort((short) 0x0010)
                    .put((byte) 'O').put((byte) 'B').putShort((short) 0).putInt((int) length).array());
            for (int n = 1; n <= FRAMES; n++) out.write(frameContent(n));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void put(AttributeList list, AttributeTag tag, String vr, String value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII));
        for (String v : value.split("\\\\")) a.addValue(v);
        list.put(a);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
