package org.wsiarchive.it;

import com.pixelmed.dicom.*;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.*;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The foundation end to end on the real stack: every shared DICOM file of several producers is stored over
 * STOW-RS, found again by QIDO-RS with its attributes, and every frame served equals the stored bytes of that
 * frame as PixelMed reads them from the source file.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreQueryRetrieveIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private final DicomWebClient client = new DicomWebClient(ArchiveDeployment.BASE);

    /** Files of the shared data that are not Part 10 (no File Meta Information) and must be refused. */
    private static final Set<String> NOT_PART10 = Set.of("OT-MONO2-8-colon.dcm");

    /** Later files of the shared data reusing an earlier file's SOP Instance UID with different bytes. */
    private static final Set<String> SAME_UID_OTHER_CONTENT = Set.of("sm_image_control.dcm", "ExplVR_BigEnd.dcm",
            "MR_small_jpeg_ls_lossless.dcm", "JPGExtended.dcm");

    static List<Path> sharedDicom() throws Exception {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("dicom-wsi", "dicom-misc", "dicom-seg", "dicom-ann")) {
            all.addAll(ArchiveDeployment.files(dir));
        }
        // the files whose UID repeats go last, so the first copy is the one stored
        all.sort(Comparator.comparing((Path p) -> SAME_UID_OTHER_CONTENT.contains(p.getFileName().toString())));
        return all;
    }

    private static AttributeList header(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        return list;
    }

    @Test
    @Order(1)
    void storesEverySharedFileOrRefusesItWithAReason() throws Exception {
        int stored = 0;
        for (Path file : sharedDicom()) {
            String name = file.getFileName().toString();
            HttpResponse<byte[]> r = client.stow(List.of(file));
            String body = new String(r.body(), StandardCharsets.UTF_8);
            if (NOT_PART10.contains(name)) {
                assertEquals(400, r.statusCode(), name + ": " + body);
                assertTrue(r.headers().firstValue("Warning").orElse("").contains("File Meta Information"),
                        name + " reason: " + r.headers().allValues("Warning"));
                continue;
            }
            if (SAME_UID_OTHER_CONTENT.contains(name)) {
                assertEquals(409, r.statusCode(), name + ": " + body);
                JsonObject response = DicomWebClient.jsonObject(r.body());
                JsonObject failed = response.getJsonObject("00081198").getJsonArray("Value").getJsonObject(0);
                assertEquals(0x0111, failed.getJsonObject("00081197").getJsonArray("Value").getInt(0), name);
                assertTrue(r.headers().firstValue("Warning").orElse("").contains("different content"), name);
                continue;
            }
            assertEquals(200, r.statusCode(), name + ": " + body);
            JsonObject response = DicomWebClient.jsonObject(r.body());
            JsonObject ref = response.getJsonObject("00081199").getJsonArray("Value").getJsonObject(0);
            AttributeList h = header(file);
            assertEquals(Attribute.getSingleStringValueOrNull(h, TagFromName.SOPInstanceUID),
                    DicomWebClient.value(ref, "00081155"), name);
            assertTrue(DicomWebClient.value(ref, "00081190").startsWith(ArchiveDeployment.BASE + "/studies/"), name);
            stored++;
        }
        assertTrue(stored >= 45, "stored " + stored);
    }

    @Test
    @Order(2)
    void storingIdenticalBytesAgainSucceedsWithoutASecondCopy() throws Exception {
        Path file = ArchiveDeployment.testdata("dicom-wsi/gcp-wsi2dcm/jpeg.dicom");
        String sop = Attribute.getSingleStringValueOrNull(header(file), TagFromName.SOPInstanceUID);
        long filesBefore = storedFileCount();
        HttpResponse<byte[]> r = client.stow(List.of(file));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(filesBefore, storedFileCount(), "no second file");
        try (Connection c = ItEnvironment.archiveDatabase();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from instance where sop_iuid = '" + sop + "'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    @Order(3)
    void qidoReturnsStudiesSeriesAndInstancesWithTheirAttributes() throws Exception {
        Path level0 = ArchiveDeployment.testdata("dicom-wsi/gcp-wsi2dcm_cmu-1-small-region/level-0-frames-0-30.dcm");
        AttributeList h = header(level0);
        String study = Attribute.getSingleStringValueOrNull(h, TagFromName.StudyInstanceUID);
        String series = Attribute.getSingleStringValueOrNull(h, TagFromName.SeriesInstanceUID);
        String sop = Attribute.getSingleStringValueOrNull(h, TagFromName.SOPInstanceUID);

        JsonArray studies = client.qido("/studies?StudyInstanceUID=" + study);
        assertEquals(1, studies.size());
        JsonObject s = studies.getJsonObject(0);
        assertEquals(study, DicomWebClient.value(s, "0020000D"));
        assertEquals("SM", DicomWebClient.value(s, "00080061"));
        assertEquals("12", DicomWebClient.value(s, "00201208"), "12 levels in the pyramid");
        assertEquals("1", DicomWebClient.value(s, "00201206"));
        assertEquals(Attribute.getSingleStringValueOrNull(h, TagFromName.PatientID), DicomWebClient.value(s, "00100020"));
        assertEquals(ArchiveDeployment.BASE + "/studies/" + study, DicomWebClient.value(s, "00081190"));

        // ModalitiesInStudy as a key, the way Slim searches
        assertTrue(client.qido("/studies?ModalitiesInStudy=SM").stream()
                .anyMatch(v -> study.equals(DicomWebClient.value(v.asJsonObject(), "0020000D"))));
        assertTrue(client.qido("/studies?ModalitiesInStudy=CT").stream()
                .noneMatch(v -> study.equals(DicomWebClient.value(v.asJsonObject(), "0020000D"))));

        JsonArray allSeries = client.qido("/series?StudyInstanceUID=" + study + "&Modality=SM");
        assertEquals(1, allSeries.size());
        assertEquals(series, DicomWebClient.value(allSeries.getJsonObject(0), "0020000E"));
        assertEquals("12", DicomWebClient.value(allSeries.getJsonObject(0), "00201209"));

        JsonArray instances = client.qido("/studies/" + study + "/series/" + series + "/instances?SOPInstanceUID=" + sop);
        assertEquals(1, instances.size());
        JsonObject i = instances.getJsonObject(0);
        assertEquals(Attribute.getSingleStringValueOrNull(h, TagFromName.TotalPixelMatrixColumns), DicomWebClient.value(i, "00480006"));
        assertEquals(Attribute.getSingleStringValueOrNull(h, TagFromName.TotalPixelMatrixRows), DicomWebClient.value(i, "00480007"));
        assertEquals(Attribute.getSingleStringValueOrNull(h, TagFromName.NumberOfFrames), DicomWebClient.value(i, "00280008"));
        assertEquals("1.2.840.10008.5.1.4.1.1.77.1.6", DicomWebClient.value(i, "00080016"));
        assertEquals("1.2.840.10008.1.2.4.50", DicomWebClient.value(i, "00083002"));
        assertEquals(Attribute.getSingleStringValueOrNull(h, TagFromName.ContainerIdentifier), DicomWebClient.value(i, "00400512"));
        JsonArray imageType = i.getJsonObject("00080008").getJsonArray("Value");
        assertEquals(Attribute.getDelimitedStringValuesOrEmptyString(h, TagFromName.ImageType).split("\\\\")[2], imageType.getString(2));

        // WSI keys: ImageType value 3, ContainerIdentifier, relational all-instances search
        assertEquals(12, client.qido("/studies/" + study + "/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.77.1.6").size());
        // slide identification: container (slide barcode) and specimen, the latter inside SpecimenDescriptionSequence.
        // Other tests store copies of these files under new UIDs, so the checks are on the originals' SOP Instance UIDs.
        Set<String> s19 = new HashSet<>();
        for (String f : List.of("sm_image.dcm", "sm_image_grayscale.dcm", "sm_image_jpegls.dcm", "sm_image_numbers.dcm")) {
            s19.add(Attribute.getSingleStringValueOrNull(header(ArchiveDeployment.testdata("dicom-wsi/highdicom/" + f)),
                    TagFromName.SOPInstanceUID));
        }
        JsonArray slides = client.qido("/instances?ContainerIdentifier=S19-1_A_1_1&Modality=SM&limit=1000");
        assertTrue(sops(slides).containsAll(s19), "highdicom's four stored images of slide S19-1_A_1_1");
        assertTrue(slides.stream().allMatch(v -> "S19-1_A_1_1".equals(DicomWebClient.value(v.asJsonObject(), "00400512"))));
        assertTrue(sops(client.qido("/instances?ContainerIdentifier=S19-1_A_1_1&limit=1000")).size() > slides.size(),
                "and the segmentations of that slide");
        assertEquals(0, client.qido("/instances?ContainerIdentifier=S19-1xA_1_1").size(), "_ is not a wildcard");
        Set<String> boxes = new HashSet<>();
        for (String f : List.of("boxes_0.dcm", "boxes_1.dcm")) {
            boxes.add(Attribute.getSingleStringValueOrNull(header(ArchiveDeployment.testdata("dicom-wsi/pixelmed/" + f)),
                    TagFromName.SOPInstanceUID));
        }
        assertTrue(sops(client.qido("/instances?SpecimenIdentifier=SPECIMEN_1")).containsAll(boxes));
        assertTrue(sops(client.qido("/instances?SpecimenDescriptionSequence.SpecimenIdentifier=SPECIMEN*")).containsAll(boxes));
        assertTrue(sops(client.qido("/instances?ContainerIdentifier=SLIDE_1&Modality=SM")).containsAll(boxes));
        assertTrue(Collections.disjoint(sops(client.qido("/instances?SpecimenIdentifier=SPECIMEN_2")), boxes));
    }

    @Test
    @Order(4)
    void qidoMatchesWildcardsDateRangesAndLists() throws Exception {
        AttributeList h = header(ArchiveDeployment.testdata("dicom-wsi/highdicom/sm_image.dcm"));
        String study = Attribute.getSingleStringValueOrNull(h, TagFromName.StudyInstanceUID);
        String name = Attribute.getSingleStringValueOrNull(h, TagFromName.PatientName);
        String date = Attribute.getSingleStringValueOrNull(h, TagFromName.StudyDate);
        assertNotNull(name);
        assertNotNull(date);
        String prefix = name.substring(0, 3);
        assertTrue(ids(client.qido("/studies?PatientName=" + enc(prefix) + "*")).contains(study), "wildcard *");
        assertTrue(ids(client.qido("/studies?PatientName=" + enc(prefix.toLowerCase()) + "*")).contains(study), "PN case-insensitive");
        assertTrue(ids(client.qido("/studies?PatientName=" + enc(name.substring(0, 1)) + "?" + enc(name.substring(2)))).contains(study), "wildcard ?");
        assertFalse(ids(client.qido("/studies?PatientName=" + enc("zz" + name))).contains(study), "no false match");
        assertTrue(ids(client.qido("/studies?StudyDate=" + date)).contains(study), "single date");
        assertTrue(ids(client.qido("/studies?StudyDate=" + date + "-")).contains(study), "open range");
        assertTrue(ids(client.qido("/studies?StudyDate=-" + date)).contains(study), "open range to");
        assertTrue(ids(client.qido("/studies?StudyDate=19000101-" + date)).contains(study), "closed range");
        assertFalse(ids(client.qido("/studies?StudyDate=19000101-19000102")).contains(study), "range excludes");
        assertTrue(ids(client.qido("/studies?StudyInstanceUID=1.2.3.4," + study)).contains(study), "UID list");
        assertTrue(ids(client.qido("/studies?00100010=" + enc(name))).contains(study), "key by tag");

        JsonArray limited = client.qido("/studies?limit=1");
        assertEquals(1, limited.size());
        HttpResponse<byte[]> cut = client.get("/studies?limit=1", "application/dicom+json");
        assertTrue(cut.headers().firstValue("Warning").isPresent(), "Warning when results are cut");
        JsonArray second = client.qido("/studies?limit=1&offset=1");
        assertNotEquals(ids(limited), ids(second));
    }

    @Test
    @Order(5)
    void invalidQueriesAre400WithAReason() throws Exception {
        for (String q : List.of("/studies?StudyDate=2020-13", "/studies?NoSuchAttribute=1", "/studies?limit=-1",
                "/studies?StudyInstanceUID=not-a-uid", "/studies?NumberOfStudyRelatedSeries=3")) {
            HttpResponse<byte[]> r = client.get(q, "application/dicom+json");
            assertEquals(400, r.statusCode(), q);
            assertFalse(new String(r.body(), StandardCharsets.UTF_8).isBlank(), q + " carries a reason");
        }
        assertEquals(406, client.get("/studies", "application/pdf").statusCode());
    }

    @Test
    @Order(6)
    void everyFrameEqualsTheStoredFrameByteForByte() throws Exception {
        int checkedFrames = 0, checkedInstances = 0;
        for (Path file : sharedDicom()) {
            String name = file.getFileName().toString();
            if (NOT_PART10.contains(name) || SAME_UID_OTHER_CONTENT.contains(name)) continue;
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            list.read(file.toFile());
            Attribute pixelData = list.get(TagFromName.PixelData);
            String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
            // big endian native frames are served as stored (labelled with their syntax): compared elsewhere
            if (pixelData == null || ts.equals("1.2.840.10008.1.2.2")) continue;
            String path = TestObjects.instancePath(list);
            List<byte[]> expected = expectedFrames(list, pixelData);
            if (expected == null) continue;
            StringBuilder all = new StringBuilder();
            for (int f = 1; f <= expected.size(); f++) all.append(f > 1 ? "," : "").append(f);
            HttpResponse<byte[]> r = client.get(path + "/frames/" + all,
                    "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
            assertEquals(200, r.statusCode(), name + " " + new String(r.body(), StandardCharsets.UTF_8));
            List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
            assertEquals(expected.size(), parts.size(), name);
            for (int f = 0; f < expected.size(); f++) {
                if (expected.get(f) == null) { // a 1-bit frame that does not start on a byte: length only
                    assertEquals(expected.get(0).length, parts.get(f).body().length, name + " frame " + (f + 1));
                    continue;
                }
                assertArrayEquals(expected.get(f), parts.get(f).body(), name + " frame " + (f + 1));
                assertTrue(parts.get(f).contentType().contains("transfer-syntax="), parts.get(f).contentType());
                checkedFrames++;
            }
            // single frame, single part, as the natural media type
            if (pixelData instanceof OtherByteAttributeMultipleCompressedFrames && ts.equals("1.2.840.10008.1.2.4.50")) {
                HttpResponse<byte[]> one = client.get(path + "/frames/1", "image/jpeg");
                assertEquals(200, one.statusCode(), name);
                assertTrue(one.headers().firstValue("Content-Type").orElseThrow().startsWith("image/jpeg"));
                assertArrayEquals(expected.get(0), one.body(), name + " single-part frame 1");
                assertTrue(one.headers().firstValue("ETag").isPresent());
                assertEquals(406, client.get(path + "/frames/1", "image/jp2").statusCode(), "JPEG stored, jp2 asked");
            }
            checkedInstances++;
        }
        assertTrue(checkedInstances >= 40, "instances checked: " + checkedInstances);
        assertTrue(checkedFrames >= 340, "frames checked: " + checkedFrames);
    }

    private static List<byte[]> expectedFrames(AttributeList list, Attribute pixelData) throws Exception {
        List<byte[]> out = new ArrayList<>();
        if (pixelData instanceof OtherByteAttributeMultipleCompressedFrames compressed) {
            for (int i = 0; i < compressed.getNumberOfFrames(); i++) out.add(compressed.getByteValuesForSelectedFrame(i));
            return out;
        }
        int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
        int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8);
        byte[] all;
        if (pixelData instanceof OtherWordAttribute ow) {
            short[] s = ow.getShortValues();
            all = new byte[s.length * 2];
            for (int k = 0; k < s.length; k++) {
                all[2 * k] = (byte) s[k];
                all[2 * k + 1] = (byte) (s[k] >> 8);
            }
        } else {
            all = pixelData.getByteValues();
        }
        String photometric = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation);
        // 4:2:2 colour carries two samples per pixel on average (PS3.3 C.7.6.3.1.2)
        int samples = photometric.endsWith("_422") ? 2 : Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        int size = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)
                * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0) * samples * bits / 8;
        if (bits == 1) {
            // frames of packed bits: frame 1 starts at bit 0, so its bytes are the value's first bytes with the
            // bits beyond the frame cleared; later frames may start inside a byte and are checked by length
            long frameBits = (long) Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
            byte[] first = Arrays.copyOf(all, (int) ((frameBits + 7) / 8));
            if (frameBits % 8 != 0) first[first.length - 1] &= (byte) ((1 << (frameBits % 8)) - 1);
            out.add(first);
            for (int f = 1; f < frames; f++) out.add(frameBits % 8 == 0
                    ? Arrays.copyOfRange(all, (int) (f * frameBits / 8), (int) ((f + 1) * frameBits / 8)) : null);
            return out;
        }
        for (int f = 0; f < frames; f++) out.add(Arrays.copyOfRange(all, f * size, (f + 1) * size));
        return out;
    }

    @Test
    @Order(6)
    void singleFrameRequestsAreAnsweredExactlyAsByTheResource() throws Exception {
        // A single stored frame is answered in front of JAX-RS (StoredFrameFilter, the tile viewers' hot path); a
        // query parameter sends the same request on to WadoResource. Both answers must be the same: status, body,
        // part type, entity tag, caching, CORS and Vary, for every Accept viewers send and every stored syntax.
        List<String> accepts = Arrays.asList(
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*",
                "image/jpeg", "image/jp2", "*/*", "image/dicom-rle", null,
                "multipart/related; type=\"image/jpeg\", multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        Map<String, String> origin = Map.of("Origin", "http://viewer.example.org");
        Set<String> syntaxes = new TreeSet<>();
        int compared = 0, fastPathOk = 0;
        for (Path file : sharedDicom()) {
            String name = file.getFileName().toString();
            if (NOT_PART10.contains(name) || SAME_UID_OTHER_CONTENT.contains(name)) continue;
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            list.read(file.toFile());
            if (list.get(TagFromName.PixelData) == null) continue;
            String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
            if (!syntaxes.add(ts)) continue; // one instance per stored syntax
            int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
            String path = TestObjects.instancePath(list);
            for (int frame : new int[] {1, frames, frames + 1}) {
                for (String accept : accepts) {
                    HttpResponse<byte[]> fast = client.get(path + "/frames/" + frame, accept, origin);
                    HttpResponse<byte[]> resource = client.get(path + "/frames/" + frame + "?via=resource", accept, origin);
                    String what = name + " (" + ts + ") frame " + frame + " Accept " + accept;
                    assertEquals(resource.statusCode(), fast.statusCode(), what);
                    for (String h : List.of("ETag", "Cache-Control", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers")) {
                        assertEquals(resource.headers().firstValue(h), fast.headers().firstValue(h), what + " " + h);
                    }
                    assertEquals(headerTokens(resource, "Vary"), headerTokens(fast, "Vary"), what);
                    compared++;
                    if (fast.statusCode() != 200) continue;
                    String type = fast.headers().firstValue("Content-Type").orElseThrow();
                    if (type.startsWith("multipart/related")) {
                        List<DicomWebClient.Part> a = parts(fast, what + " (filter)"), b = parts(resource, what + " (resource)");
                        assertEquals(1, a.size(), what);
                        assertEquals(b.get(0).contentType(), a.get(0).contentType(), what);
                        assertEquals(mediaTypeParameter(resource, "type"), mediaTypeParameter(fast, "type"), what);
                        assertArrayEquals(b.get(0).body(), a.get(0).body(), what);
                    } else {
                        // the same media type and parameters; JAX-RS writes them without the space after ';'
                        assertEquals(resource.headers().firstValue("Content-Type").map(t -> t.replace(" ", "")),
                                fast.headers().firstValue("Content-Type").map(t -> t.replace(" ", "")), what);
                        assertArrayEquals(resource.body(), fast.body(), what);
                    }
                    String partType = type.startsWith("multipart/related") ? parts(fast, what).get(0).contentType() : type;
                    String servedSyntax = ts.equals("1.2.840.10008.1.2") ? "1.2.840.10008.1.2.1" : ts;
                    // deflated data sets and 1-bit frames have no byte positions: their frames are read and streamed
                    boolean positional = !ts.equals("1.2.840.10008.1.2.1.99")
                            && Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8) != 1;
                    if (partType.replace(" ", "").endsWith("transfer-syntax=" + servedSyntax) && positional) {
                        // sent as stored: one piece with its length, not chunked
                        assertEquals(String.valueOf(fast.body().length), fast.headers().firstValue("Content-Length").orElse("?"), what);
                        fastPathOk++;
                    }
                    // a revalidation with the entity tag is 304 on both paths
                    String etag = fast.headers().firstValue("ETag").orElseThrow();
                    assertEquals(304, client.get(path + "/frames/" + frame, accept, Map.of("If-None-Match", etag)).statusCode(), what);
                }
            }
        }
        assertTrue(syntaxes.size() >= 6, "stored syntaxes compared: " + syntaxes);
        assertTrue(fastPathOk >= 20 && compared > fastPathOk, compared + " compared, " + fastPathOk + " served");
    }

    private static List<DicomWebClient.Part> parts(HttpResponse<byte[]> r, String what) {
        try {
            return DicomWebClient.parts(r);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage() + "; " + r.headers().map() + " " + r.body().length + " bytes", e);
        }
    }

    private static String mediaTypeParameter(HttpResponse<?> r, String name) {
        for (String p : r.headers().firstValue("Content-Type").orElse("").split(";")) {
            String[] kv = p.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equalsIgnoreCase(name)) return kv[1].replace("\"", "");
        }
        return null;
    }

    private static Set<String> headerTokens(HttpResponse<?> r, String name) {
        Set<String> tokens = new TreeSet<>();
        for (String v : r.headers().allValues(name)) for (String t : v.split(",")) if (!t.isBlank()) tokens.add(t.trim());
        return tokens;
    }

    @Test
    @Order(7)
    void instanceRetrievalReturnsTheStoredFile() throws Exception {
        Path file = ArchiveDeployment.testdata("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom");
        AttributeList h = header(file);
        String path = TestObjects.instancePath(h);
        HttpResponse<byte[]> r = client.get(path, "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertEquals(200, r.statusCode());
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertEquals(1, parts.size());
        assertArrayEquals(Files.readAllBytes(file), parts.get(0).body());
        // stored as JPEG 2000: without a transfer-syntax parameter Explicit VR Little Endian is meant, so it is transcoded
        HttpResponse<byte[]> transcoded = client.get(path, "multipart/related; type=\"application/dicom\"");
        assertEquals(200, transcoded.statusCode());
        assertEquals("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", DicomWebClient.parts(transcoded).get(0).contentType());
        // curl's default Accept: */* is the default representation (multipart application/dicom, Explicit VR LE)
        HttpResponse<byte[]> any = client.get(path, "*/*");
        assertEquals(200, any.statusCode());
        assertTrue(any.headers().firstValue("Content-Type").orElseThrow().startsWith("multipart/related"));
        assertEquals(404, client.get(path.replace("/instances/", "/instances/9") , null).statusCode());
    }

    @Test
    @Order(8)
    void metadataIsConformantJsonWithAbsoluteBulkDataUris() throws Exception {
        Path file = ArchiveDeployment.testdata("dicom-wsi/3dhistech_FluorCell_4/5_0");
        AttributeList h = header(file);
        String study = Attribute.getSingleStringValueOrNull(h, TagFromName.StudyInstanceUID);
        String series = Attribute.getSingleStringValueOrNull(h, TagFromName.SeriesInstanceUID);
        String sop = Attribute.getSingleStringValueOrNull(h, TagFromName.SOPInstanceUID);
        HttpResponse<byte[]> r = client.get("/studies/" + study + "/series/" + series + "/instances/" + sop + "/metadata",
                "application/dicom+json", Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "pacs.example.org"));
        assertEquals(200, r.statusCode());
        JsonObject m = DicomWebClient.jsonArray(r.body()).getJsonObject(0);
        assertEquals(sop, DicomWebClient.value(m, "00080018"));
        assertEquals("SM", DicomWebClient.value(m, "00080060"));
        assertNotNull(m.getJsonObject("00480105"), "OpticalPathSequence");
        assertEquals(JsonValue.ValueType.ARRAY, m.getJsonObject("52009229").get("Value").getValueType(), "SharedFunctionalGroupsSequence");
        String pixelUri = m.getJsonObject("7FE00010").getString("BulkDataURI");
        assertTrue(pixelUri.startsWith("https://pacs.example.org/dicom-web/studies/" + study), pixelUri);

        // series metadata holds every instance of the series
        HttpResponse<byte[]> s = client.get("/studies/" + study + "/series/" + series + "/metadata", "application/dicom+json");
        assertEquals(200, s.statusCode());
        assertTrue(DicomWebClient.jsonArray(s.body()).size() >= 1);

        // an ICC profile or other bulk data inside sequences is reachable through its BulkDataURI
        String body = new String(r.body(), StandardCharsets.UTF_8);
        int at = body.indexOf("/bulkdata/0048");
        if (at > 0) {
            int start = body.lastIndexOf('"', at) + 1;
            String uri = body.substring(start, body.indexOf('"', at)).replace("https://pacs.example.org/dicom-web", ArchiveDeployment.BASE);
            HttpResponse<byte[]> bulk = client.get(uri, "application/octet-stream");
            assertEquals(200, bulk.statusCode(), uri);
            assertTrue(bulk.body().length > 0);
        }
    }

    @Test
    @Order(9)
    void storesQueriesAndRetrievalsAreAudited() throws Exception {
        try (Connection c = ItEnvironment.archiveDatabase();
             ResultSet rs = c.createStatement().executeQuery(
                     "select action, outcome, count(*), count(remote_host), count(user_id) from audit_event group by action, outcome")) {
            Map<String, Integer> counts = new HashMap<>();
            while (rs.next()) {
                counts.put(rs.getString(1) + "/" + rs.getString(2), rs.getInt(3));
                assertEquals(rs.getInt(3), rs.getInt(4), "every event records where from");
                assertEquals(rs.getInt(3), rs.getInt(5), "every event records who");
            }
            assertTrue(counts.getOrDefault("STORE/SUCCESS", 0) >= 45, counts.toString());
            assertTrue(counts.getOrDefault("STORE_REJECTED/FAILURE", 0) >= 5, counts.toString());
            assertTrue(counts.getOrDefault("QUERY/SUCCESS", 0) >= 10, counts.toString());
            assertTrue(counts.getOrDefault("QUERY/FAILURE", 0) >= 3, counts.toString());
            assertTrue(counts.getOrDefault("RETRIEVE/SUCCESS", 0) >= 40, counts.toString());
        }
    }

    static long storedFileCount() throws Exception {
        try (var s = Files.walk(ItEnvironment.storageDir())) {
            return s.filter(p -> p.toString().endsWith(".dcm")).count();
        }
    }

    private static Set<String> sops(JsonArray instances) {
        Set<String> out = new HashSet<>();
        for (JsonValue v : instances) out.add(DicomWebClient.value(v.asJsonObject(), "00080018"));
        return out;
    }

    private static Set<String> ids(JsonArray studies) {
        Set<String> out = new HashSet<>();
        for (JsonValue v : studies) out.add(DicomWebClient.value(v.asJsonObject(), "0020000D"));
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
