package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * QIDO-RS against PS3.18 10.6 and what WSI viewers (Slim, OHIF, dicom-microscopy-viewer) send. Three studies of
 * real files (highdicom SM images, a bulk annotation, a Comprehensive 3D SR) get fresh UIDs and controlled patient
 * names, dates and times with dcmodify; every query is scoped to this run's Patient ID prefix, so data of other
 * tests never counts.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class QidoConformanceIT {

    private static final String SM_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6";
    private static final String ANN_CLASS = "1.2.840.10008.5.1.4.1.1.91.1";

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private final DicomWebClient client = new DicomWebClient(ArchiveDeployment.BASE);

    /** What was stored: study 1 (Müller^Hans: SM + ANN + SR), study 2 (Smith^John: SM), study 3 (García^José: SM). */
    private record Fixture(String run, String study1, String study2, String study3, AttributeList sm1,
                           String annSeries, String smSeries1) {}

    private static Fixture fixture;

    private synchronized Fixture fixture() throws Exception {
        if (fixture != null) return fixture;
        String run = "QIDO" + Long.toString(System.nanoTime(), 36).toUpperCase();
        Path sm1 = copy("dicom-wsi/highdicom/sm_image.dcm", run + "-1", "Müller^Hans", "20240105", "080000", null);
        String study1 = header(sm1).get(TagFromName.StudyInstanceUID).getSingleStringValueOrNull();
        Path ann = copy("dicom-ann/highdicom/sm_annotations.dcm", run + "-1", "Müller^Hans", "20240105", "080000", study1);
        Path sr = copy("dicom-misc/sr_document.dcm", run + "-1", "Müller^Hans", "20240105", "080000", study1);
        Path sm2 = copy("dicom-wsi/highdicom/sm_image_grayscale.dcm", run + "-2", "Smith^John", "20240107", "090000", null);
        Path sm3 = copy("dicom-wsi/highdicom/sm_image_numbers.dcm", run + "-3", "García^José", "20240106", "200000", null);
        HttpResponse<byte[]> stored = client.stow(List.of(sm1, ann, sr, sm2, sm3));
        assertEquals(200, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
        AttributeList h1 = header(sm1);
        fixture = new Fixture(run, study1, uid(header(sm2), TagFromName.StudyInstanceUID),
                uid(header(sm3), TagFromName.StudyInstanceUID), h1, uid(header(ann), TagFromName.SeriesInstanceUID),
                uid(h1, TagFromName.SeriesInstanceUID));
        return fixture;
    }

    // ---- PS3.18 10.6.1.2 resources, ModalitiesInStudy and computed counts ----

    @Test
    void studiesCarryModalitiesInStudyAndComputedCounts() throws Exception {
        Fixture f = fixture();
        JsonArray studies = client.qido("/studies?ModalitiesInStudy=SM&PatientID=" + f.run() + "*");
        assertEquals(Set.of(f.study1(), f.study2(), f.study3()), ids(studies, "0020000D"));
        for (JsonValue v : studies) {
            JsonObject s = v.asJsonObject();
            assertTrue(strings(s, "00080061").contains("SM"), "ModalitiesInStudy in every study: " + s);
            if (DicomWebClient.value(s, "0020000D").equals(f.study1())) {
                assertEquals(Set.of("SM", "ANN", "SR"), new HashSet<>(strings(s, "00080061")));
                assertEquals("3", DicomWebClient.value(s, "00201206"), "NumberOfStudyRelatedSeries");
                assertEquals("3", DicomWebClient.value(s, "00201208"), "NumberOfStudyRelatedInstances");
                assertTrue(DicomWebClient.value(s, "00081190").endsWith("/studies/" + f.study1()), "RetrieveURL");
            }
        }
        // the computed counts are return keys: asked for with an empty value, they are accepted
        assertEquals(3, client.qido("/studies?NumberOfStudyRelatedInstances=&PatientID=" + f.run() + "*").size());
    }

    @Test
    void viewerSeriesAndInstanceSearches() throws Exception {
        Fixture f = fixture();
        JsonArray sm = client.qido("/series?StudyInstanceUID=" + f.study1() + "&Modality=SM");
        assertEquals(Set.of(f.smSeries1()), ids(sm, "0020000E"));
        assertEquals(f.study1(), DicomWebClient.value(sm.getJsonObject(0), "0020000D"));
        assertEquals(Set.of(f.annSeries()), ids(client.qido("/studies/" + f.study1() + "/series?Modality=ANN"), "0020000E"));
        assertEquals(1, client.qido("/studies/" + f.study1() + "/series?Modality=SR").size());
        JsonArray sr = client.qido("/studies/" + f.study1() + "/instances?Modality=SR");
        assertEquals(1, sr.size(), "an instance search keyed on a series attribute");
        assertEquals("1.2.840.10008.5.1.4.1.1.88.34", DicomWebClient.value(sr.getJsonObject(0), "00080016"));
        assertEquals("SR", DicomWebClient.value(sr.getJsonObject(0), "00080060"), "the key comes back");
        assertEquals(3, client.qido("/studies/" + f.study1() + "/instances").size());
        assertEquals(1, client.qido("/studies/" + f.study1() + "/series/" + f.smSeries1() + "/instances").size());
        assertEquals(3, client.qido("/instances?SOPClassUID=" + SM_CLASS + "&PatientID=" + f.run() + "*").size());
    }

    // ---- PS3.4 C.2.2.2 matching ----

    @Test
    void singleValueWildcardListAndUidListMatching() throws Exception {
        Fixture f = fixture();
        String scope = "&PatientID=" + f.run() + "*";
        assertEquals(Set.of(f.study2()), studies("/studies?PatientName=" + enc("Smith^John") + scope));
        assertEquals(Set.of(f.study2()), studies("/studies?PatientName=" + enc("smith^john") + scope), "PN case-insensitive");
        assertEquals(Set.of(f.study2()), studies("/studies?PatientName=Sm?th*" + scope), "wildcards");
        assertEquals(Set.of(f.study1(), f.study3()), studies("/studies?PatientID=" + f.run() + "-1%5C" + f.run() + "-3"),
                "value list");
        assertEquals(Set.of(f.study1(), f.study2()), studies("/studies?StudyInstanceUID=" + f.study1() + "," + f.study2()),
                "UID list, comma");
        assertEquals(Set.of(f.study1(), f.study2()), studies("/studies?StudyInstanceUID=" + f.study1() + "%5C" + f.study2()),
                "UID list, backslash");
        assertEquals(Set.of(f.study2()), studies("/studies?00100020=" + f.run() + "-2"), "key by tag");
        assertEquals(Set.of(), studies("/studies?PatientID=" + f.run() + "_2"), "_ is no wildcard");
    }

    @Test
    void dateTimeAndCombinedDateTimeRanges() throws Exception {
        Fixture f = fixture();
        String scope = "&PatientID=" + f.run() + "*";
        assertEquals(Set.of(f.study1()), studies("/studies?StudyDate=20240105" + scope));
        assertEquals(Set.of(f.study2(), f.study3()), studies("/studies?StudyDate=20240106-" + scope));
        assertEquals(Set.of(f.study1(), f.study3()), studies("/studies?StudyDate=-20240106" + scope));
        assertEquals(Set.of(f.study2()), studies("/studies?StudyTime=0900-1800" + scope), "time range alone");
        assertEquals(Set.of(f.study3()), studies("/studies?StudyTime=20" + scope), "time at its own precision");
        // C.2.2.2.5: 5 Jan 09:00 to 7 Jan 18:00 takes 6 Jan 20:00 and 7 Jan 09:00, not 5 Jan 08:00
        assertEquals(Set.of(f.study2(), f.study3()),
                studies("/studies?StudyDate=20240105-20240107&StudyTime=0900-1800" + scope), "combined date-time range");
        assertEquals(Set.of(f.study1(), f.study3()),
                studies("/studies?StudyDate=20240105-20240107&StudyTime=0700-0859" + scope), "upper bound on the last day");
        assertEquals(Set.of(f.study1()), studies("/studies?StudyDate=20240105&StudyTime=0700-0859" + scope),
                "single date with a time range: both must hold");
    }

    @Test
    void fuzzyPersonNameMatching() throws Exception {
        Fixture f = fixture();
        String scope = "&PatientID=" + f.run() + "*";
        String fuzzy = "&fuzzymatching=true" + scope;
        assertEquals(Set.of(f.study1()), studies("/studies?PatientName=muller" + fuzzy), "accent and case, family name");
        assertEquals(Set.of(f.study1()), studies("/studies?PatientName=HANS" + fuzzy), "given name");
        assertEquals(Set.of(f.study1()), studies("/studies?PatientName=" + enc("MÜLLER^hans") + fuzzy), "whole name");
        assertEquals(Set.of(f.study1()), studies("/studies?PatientName=" + enc("müll*") + fuzzy), "wildcard on a component");
        assertEquals(Set.of(f.study3()), studies("/studies?PatientName=*arc*" + fuzzy), "OHIF's *x* form, García");
        assertEquals(Set.of(f.study3()), studies("/studies?PatientName=jose" + fuzzy));
        assertEquals(Set.of(f.study2()), studies("/studies?PatientName=john" + fuzzy));
        assertEquals(Set.of(), studies("/studies?PatientName=mueller" + fuzzy), "no phonetic matching");
        // without fuzzymatching: the whole name, case-insensitive, accents significant
        assertEquals(Set.of(), studies("/studies?PatientName=muller" + scope));
        assertEquals(Set.of(), studies("/studies?PatientName=hans" + scope));
        assertEquals(Set.of(f.study1()), studies("/studies?PatientName=" + enc("müller^hans") + scope));
        assertEquals(Set.of(f.study1()), studies("/studies?PatientName=" + enc("Müller^Hans") + "&fuzzymatching=false" + scope));
        // the stored name comes back as stored
        JsonObject s1 = client.qido("/studies?StudyInstanceUID=" + f.study1()).getJsonObject(0);
        assertEquals("Müller^Hans", DicomWebClient.value(s1, "00100010"));
    }

    @Test
    void sequenceKeysForPathology() throws Exception {
        Fixture f = fixture();
        String scope = "&PatientID=" + f.run() + "*";
        String container = uid(f.sm1(), TagFromName.ContainerIdentifier);
        String specimenUid = specimen(f.sm1(), TagFromName.SpecimenUID);
        String specimenId = specimen(f.sm1(), TagFromName.SpecimenIdentifier);
        assertNotNull(specimenUid);
        int all = client.qido("/instances?PatientID=" + f.run() + "*").size();
        assertEquals(5, all);
        // SM images and the annotation carry the specimen; the SR does not
        assertEquals(4, client.qido("/instances?ContainerIdentifier=" + enc(container) + scope).size());
        assertEquals(4, client.qido("/instances?SpecimenDescriptionSequence.SpecimenIdentifier=" + enc(specimenId) + scope).size());
        assertEquals(4, client.qido("/instances?00400560.00400551=" + enc(specimenId.substring(0, 3)) + "*" + scope).size());
        assertEquals(4, client.qido("/instances?SpecimenDescriptionSequence.SpecimenUID=" + specimenUid + scope).size());
        assertEquals(0, client.qido("/instances?SpecimenDescriptionSequence.SpecimenUID=1.2.3" + scope).size());
        assertEquals(3, client.qido("/instances?SpecimenIdentifier=" + enc(specimenId) + "&Modality=SM" + scope).size());
    }

    // ---- relational queries: keys of lower levels ----

    @Test
    void relationalKeysOfLowerLevels() throws Exception {
        Fixture f = fixture();
        String scope = "&PatientID=" + f.run() + "*";
        assertEquals(Set.of(f.study1()), studies("/studies?Modality=ANN" + scope), "study having an ANN series");
        assertEquals(Set.of(f.study1(), f.study2(), f.study3()), studies("/studies?Modality=SM" + scope));
        assertEquals(Set.of(f.study1()), studies("/studies?SOPClassUID=" + ANN_CLASS + scope));
        assertEquals(Set.of(), studies("/studies?Modality=SM&SOPClassUID=" + ANN_CLASS + scope),
                "lower-level keys hold for the same series and instance");
        JsonArray smSeries = client.qido("/series?SOPClassUID=" + SM_CLASS + scope);
        assertEquals(3, smSeries.size());
        assertTrue(ids(smSeries, "0020000E").contains(f.smSeries1()));
        assertFalse(ids(smSeries, "0020000E").contains(f.annSeries()));
        assertEquals(Set.of(f.annSeries()), ids(client.qido("/studies/" + f.study1() + "/series?SOPClassUID=" + ANN_CLASS),
                "0020000E"));
        assertEquals(Set.of(f.study1()), studies("/studies?ContainerIdentifier=" + enc(uid(f.sm1(), TagFromName.ContainerIdentifier))
                + "&PatientName=*Hans" + scope));
    }

    // ---- includefield ----

    @Test
    void includeFieldFromTheIndexAndFromStoredMetadata() throws Exception {
        Fixture f = fixture();
        String instances = "/studies/" + f.study1() + "/series/" + f.smSeries1() + "/instances";
        JsonObject plain = client.qido(instances).getJsonObject(0);
        assertFalse(plain.containsKey("00480105"), "OpticalPathSequence only when asked");
        assertTrue(plain.containsKey("00083002"), "AvailableTransferSyntaxUID returned");

        HttpResponse<byte[]> r = client.get(instances + "?includefield=OpticalPathSequence,00400560"
                + "&includefield=AvailableTransferSyntaxUID", "application/dicom+json");
        assertEquals(200, r.statusCode());
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertFalse(body.contains("{{"), "no placeholder left in " + body);
        JsonObject withOptics = DicomWebClient.jsonArray(r.body()).getJsonObject(0);
        JsonObject opticalPath = withOptics.getJsonObject("00480105").getJsonArray("Value").getJsonObject(0);
        assertEquals("1", DicomWebClient.value(opticalPath, "00480106"), "OpticalPathIdentifier");
        JsonObject icc = opticalPath.getJsonObject("00282000");
        assertNotNull(icc, "ICC profile in the optical path");
        if (icc.containsKey("BulkDataURI")) {
            String uri = icc.getString("BulkDataURI");
            assertTrue(uri.startsWith(ArchiveDeployment.BASE + "/studies/" + f.study1()), "absolute BulkDataURI " + uri);
        } else {
            assertTrue(icc.containsKey("InlineBinary"), icc.toString());
        }
        assertEquals(specimen(f.sm1(), TagFromName.SpecimenIdentifier), DicomWebClient.value(
                withOptics.getJsonObject("00400560").getJsonArray("Value").getJsonObject(0), "00400551"));
        assertKeysAscending(withOptics);

        // all = what the index holds, never the per-frame functional groups
        JsonObject all = client.qido(instances + "?includefield=all").getJsonObject(0);
        assertEquals(uid(f.sm1(), TagFromName.PhotometricInterpretation), DicomWebClient.value(all, "00280004"),
                "PhotometricInterpretation");
        assertTrue(all.containsKey("00280002"), "SamplesPerPixel");
        assertFalse(all.containsKey("52009230"));
        assertFalse(all.containsKey("00480105"));

        // study and series level: attributes of that level from the first instance's metadata
        String manufacturer = uid(f.sm1(), TagFromName.Manufacturer);
        JsonObject series = client.qido("/studies/" + f.study1() + "/series?SeriesInstanceUID=" + f.smSeries1()
                + "&includefield=Manufacturer,PatientComments,OpticalPathSequence").getJsonObject(0);
        assertEquals(manufacturer, DicomWebClient.value(series, "00080070"));
        assertEquals("QIDO comment " + f.run() + "-1", DicomWebClient.value(series, "00104000"));
        assertFalse(series.containsKey("00480105"), "an instance-level attribute is not a series attribute");
        JsonObject study = client.qido("/studies?StudyInstanceUID=" + f.study1()
                + "&includefield=PatientComments,Manufacturer,SOPClassUID").getJsonObject(0);
        assertEquals("QIDO comment " + f.run() + "-1", DicomWebClient.value(study, "00104000"));
        assertFalse(study.containsKey("00080070"), "a series attribute is not returned at study level");
        assertFalse(study.containsKey("00080016"));
        // a study attribute named in a search scoped to the study comes back
        JsonObject scoped = client.qido("/studies/" + f.study1() + "/series?Modality=SM&includefield=PatientName")
                .getJsonObject(0);
        assertEquals("Müller^Hans", DicomWebClient.value(scoped, "00100010"));
    }

    // ---- limit, offset ----

    @Test
    void limitAndOffset() throws Exception {
        Fixture f = fixture();
        String q = "/studies?PatientID=" + f.run() + "*";
        HttpResponse<byte[]> cut = client.get(q + "&limit=2", "application/dicom+json");
        assertEquals(200, cut.statusCode());
        assertEquals(2, DicomWebClient.jsonArray(cut.body()).size());
        assertTrue(cut.headers().allValues("Warning").stream().anyMatch(w -> w.startsWith("299 ")
                && w.contains("Additional results can be requested")), cut.headers().allValues("Warning").toString());
        HttpResponse<byte[]> rest = client.get(q + "&limit=2&offset=2", "application/dicom+json");
        assertEquals(1, DicomWebClient.jsonArray(rest.body()).size());
        assertTrue(rest.headers().allValues("Warning").isEmpty(), "nothing cut, no Warning");
        Set<String> pages = new HashSet<>(ids(DicomWebClient.jsonArray(cut.body()), "0020000D"));
        pages.addAll(ids(DicomWebClient.jsonArray(rest.body()), "0020000D"));
        assertEquals(Set.of(f.study1(), f.study2(), f.study3()), pages, "pages are disjoint and complete");
        assertEquals(3, client.qido(q + "&limit=0").size(), "limit=0: no limit given, the server's maximum");
        HttpResponse<byte[]> beyond = client.get(q + "&offset=100", "application/dicom+json");
        assertEquals(200, beyond.statusCode());
        assertEquals(0, DicomWebClient.jsonArray(beyond.body()).size());
    }

    // ---- valid keys are never refused; invalid values are 400 with a reason ----

    @Test
    void validKeysAreAcceptedEvenWhenNotMatched() throws Exception {
        Fixture f = fixture();
        String scope = "&PatientID=" + f.run() + "*";
        assertEquals(200, status("/studies?includefield=AvailableTransferSyntaxUID" + scope));
        assertEquals(200, status("/studies?SOPClassUID=" + SM_CLASS + scope));
        assertEquals(200, status("/series?includefield=00083002&includefield=all" + scope));
        assertEquals(200, status("/studies?accept=" + enc("application/dicom+json") + scope));
        HttpResponse<byte[]> notIndexed = client.get("/instances?PatientAge=040Y&OpticalPathSequence.OpticalPathIdentifier=1"
                + scope, "application/dicom+json");
        assertEquals(200, notIndexed.statusCode());
        assertEquals(5, DicomWebClient.jsonArray(notIndexed.body()).size(), "accepted, not matched");
        String warnings = String.join(" ", notIndexed.headers().allValues("Warning"));
        assertTrue(warnings.contains("PatientAge") && warnings.contains("OpticalPathSequence.OpticalPathIdentifier"),
                warnings);
    }

    @Test
    void invalidQueriesAre400WithAReason() throws Exception {
        assertBadRequest("/studies?NoSuchAttribute=1", "NoSuchAttribute");
        assertBadRequest("/studies?includefield=NoSuchAttribute", "NoSuchAttribute");
        assertBadRequest("/studies?StudyDate=yesterday", "StudyDate");
        assertBadRequest("/studies?StudyDate=2024-01-05", "StudyDate");
        assertBadRequest("/studies?StudyDate=20240105-20240107&StudyTime=9am-1800", "StudyTime");
        assertBadRequest("/studies?StudyInstanceUID=1.2.abc", "StudyInstanceUID");
        assertBadRequest("/series?SeriesNumber=first", "SeriesNumber");
        assertBadRequest("/studies?limit=-1", "limit");
        assertBadRequest("/studies?offset=x", "offset");
        assertBadRequest("/studies?fuzzymatching=maybe", "fuzzymatching");
        assertBadRequest("/studies?StudyDate=-", "StudyDate");
        assertBadRequest("/studies?Modality=SM&SOPInstanceUID=not-a-uid", "SOPInstanceUID");
        assertBadRequest("/studies?NumberOfStudyRelatedSeries=3", "NumberOfStudyRelatedSeries");
        assertEquals(406, client.get("/studies", "application/dicom").statusCode());
    }

    // ---- helpers ----

    private void assertBadRequest(String query, String named) throws Exception {
        HttpResponse<byte[]> r = client.get(query, "application/dicom+json");
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(400, r.statusCode(), query + ": " + body);
        assertTrue(body.contains(named), query + " reason: " + body);
        assertTrue(r.headers().firstValue("Warning").orElse("").contains(named), query + " Warning header");
    }

    private int status(String query) throws Exception {
        return client.get(query, "application/dicom+json").statusCode();
    }

    private Set<String> studies(String query) throws Exception {
        return ids(client.qido(query), "0020000D");
    }

    private static Set<String> ids(JsonArray results, String tag) {
        Set<String> out = new HashSet<>();
        for (JsonValue v : results) out.add(DicomWebClient.value(v.asJsonObject(), tag));
        return out;
    }

    private static List<String> strings(JsonObject dataset, String tag) {
        List<String> out = new ArrayList<>();
        JsonObject a = dataset.getJsonObject(tag);
        if (a != null && a.containsKey("Value")) a.getJsonArray("Value").forEach(v -> out.add(((jakarta.json.JsonString) v).getString()));
        return out;
    }

    private static void assertKeysAscending(JsonObject dataset) {
        List<String> keys = new ArrayList<>(dataset.keySet());
        List<String> sorted = new ArrayList<>(keys);
        Collections.sort(sorted);
        assertEquals(sorted, keys, "attributes in tag order");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String uid(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrNull(list, tag);
    }

    /** An attribute of the first Specimen Description Sequence item. */
    private static String specimen(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        var items = (com.pixelmed.dicom.SequenceAttribute) list.get(TagFromName.SpecimenDescriptionSequence);
        return Attribute.getSingleStringValueOrNull(items.getItem(0).getAttributeList(), tag);
    }

    private static AttributeList header(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        return list;
    }

    /**
     * A fresh-UID copy of a shared file with controlled patient and study values (dcmodify; the name goes through a
     * UTF-8 file so that non-ASCII letters survive whatever the JVM's locale does to command arguments).
     */
    private static Path copy(String testdata, String patientId, String patientName, String date, String time,
                             String studyUid) throws Exception {
        Path copy = TestObjects.withNewUids(ArchiveDeployment.testdata(testdata));
        Path name = Files.createTempFile(copy.getParent(), "name-", ".txt");
        byte[] utf8 = patientName.getBytes(StandardCharsets.UTF_8);
        // dcmodify takes only even-length values from a file: pad with a space as PS3.5 6.2 does
        Files.writeString(name, utf8.length % 2 == 0 ? patientName : patientName + " ", StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("dcmodify", "-nb",
                "-i", "(0008,0005)=ISO_IR 192", "-if", "(0010,0010)=" + name,
                "-i", "(0010,0020)=" + patientId, "-i", "(0008,0020)=" + date, "-i", "(0008,0030)=" + time,
                "-i", "(0010,4000)=QIDO comment " + patientId));
        if (studyUid != null) {
            cmd.add("-i");
            cmd.add("(0020,000D)=" + studyUid);
        }
        cmd.add(copy.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("dcmodify failed on " + copy + ": " + out);
        }
        return copy;
    }
}
