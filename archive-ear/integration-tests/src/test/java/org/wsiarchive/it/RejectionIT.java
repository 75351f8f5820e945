package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input gets a clear refusal and leaves nothing stored: neither an index row nor a file (temporary or final).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RejectionIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private final DicomWebClient client = new DicomWebClient(ArchiveDeployment.BASE);
    /** Copies of shared files with new UIDs, so that no other test has stored them. */
    private static final Path WSI = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/pathml/small_dicom.dcm"));
    private static final Path OTHER = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/pixelmed/boxes_0.dcm"));

    private record State(long instances, long files) {}

    private static State state() throws Exception {
        try (Connection c = ItEnvironment.archiveDatabase();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from instance")) {
            rs.next();
            long files;
            try (var s = Files.walk(ItEnvironment.storageDir())) {
                files = s.filter(Files::isRegularFile).count();
            }
            return new State(rs.getLong(1), files);
        }
    }

    private static String sop(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID);
    }

    private static boolean isStored(String sop) throws Exception {
        try (Connection c = ItEnvironment.archiveDatabase();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from instance where sop_iuid = '" + sop + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void truncatedMultipartBodyStoresNothingNotEvenItsCompleteParts() throws Exception {
        assertFalse(isStored(sop(WSI)));
        State before = state();
        String boundary = "b-" + UUID.randomUUID();
        byte[] complete = DicomWebClient.multipart(boundary, List.of(
                new DicomWebClient.Part("application/dicom", Files.readAllBytes(WSI)),
                new DicomWebClient.Part("application/dicom", Files.readAllBytes(OTHER))), true);
        byte[] truncated = Arrays.copyOf(complete, complete.length - 2000);
        HttpResponse<byte[]> r = client.post("/studies", "multipart/related; type=\"application/dicom\"; boundary=" + boundary, truncated);
        assertEquals(400, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("multipart"), "reason names the problem");
        assertEquals(before, state());
        assertFalse(isStored(sop(WSI)));
    }

    @Test
    void bodyWithoutBoundaryOrOfTheWrongTypeIsRefused() throws Exception {
        State before = state();
        byte[] dicom = Files.readAllBytes(WSI);
        assertEquals(400, client.post("/studies", "multipart/related; type=\"application/dicom\"", dicom).statusCode());
        assertEquals(415, client.post("/studies", "application/dicom", dicom).statusCode());
        assertEquals(415, client.post("/studies", "multipart/related; type=\"application/pdf\"; boundary=x",
                "--x\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII)).statusCode());
        assertEquals(before, state());
    }

    @Test
    void nonDicomPartsAndTruncatedInstancesAreFailedWithAReason() throws Exception {
        State before = state();
        byte[] wsi = Files.readAllBytes(WSI);
        String boundary = "b-" + UUID.randomUUID();
        byte[] body = DicomWebClient.multipart(boundary, List.of(
                new DicomWebClient.Part("application/dicom", "this is not DICOM".getBytes(StandardCharsets.US_ASCII)),
                new DicomWebClient.Part("text/plain", "hello".getBytes(StandardCharsets.US_ASCII)),
                new DicomWebClient.Part("application/dicom", Arrays.copyOf(wsi, wsi.length / 2))), true);
        HttpResponse<byte[]> r = client.post("/studies", "multipart/related; type=\"application/dicom\"; boundary=" + boundary, body);
        assertEquals(400, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonObject response = DicomWebClient.jsonObject(r.body());
        assertEquals(3, response.getJsonObject("00081198").getJsonArray("Value").size(), "three failed items");
        assertNull(response.getJsonObject("00081199"), "nothing referenced as stored");
        List<String> warnings = r.headers().allValues("Warning");
        assertTrue(String.join(" ", warnings).contains("Pixel Data"), "truncated instance reason: " + warnings);
        assertTrue(String.join(" ", warnings).contains("text/plain"), "non-DICOM part reason: " + warnings);
        assertEquals(before, state());
        assertFalse(isStored(sop(WSI)));
    }

    @Test
    void studyMismatchIs409() throws Exception {
        State before = state();
        String boundary = "b-" + UUID.randomUUID();
        HttpResponse<byte[]> r = client.post("/studies/1.2.3.4.5.6.7", "multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                DicomWebClient.multipart(boundary, List.of(new DicomWebClient.Part("application/dicom", Files.readAllBytes(WSI))), true));
        assertEquals(409, r.statusCode());
        assertTrue(r.headers().firstValue("Warning").orElse("").contains("does not match"));
        assertEquals(before, state());
    }
}
