package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The archive as `./archive.sh run` starts it (launcher, embedded PostgreSQL in a data directory, WildFly with
 * the EAR): what was stored is still there after a stop and a start on the same data directory.
 */
class RestartIT {

    private static final int PORT_OFFSET = ArchiveDeployment.PORT_OFFSET + 200;
    private static final String BASE = "http://localhost:" + (8080 + PORT_OFFSET) + "/dicom-web";
    private LaunchedArchive archive;

    private LaunchedArchive start(Path dataDir) throws Exception {
        LaunchedArchive launched = LaunchedArchive.start(dataDir, PORT_OFFSET, 0, 240);
        assertTrue(launched.readyLine().contains(BASE), launched.readyLine());
        return launched;
    }

    private static void stop(LaunchedArchive a) throws Exception {
        assertTrue(a.stop(90), "launcher stopped");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (archive != null) archive.close();
    }

    @Test
    void storedInstancesSurviveARestart() throws Exception {
        Path dataDir = ItEnvironment.workDir().resolve("restart-data");
        Path file = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"));
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(file.toFile());
        String study = Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID);
        String path = TestObjects.instancePath(list);
        byte[] frame3 = ((OtherByteAttributeMultipleCompressedFrames) list.get(TagFromName.PixelData)).getByteValuesForSelectedFrame(2);

        archive = start(dataDir);
        DicomWebClient client = new DicomWebClient(BASE);
        assertEquals(200, client.stow(List.of(file)).statusCode());
        assertEquals(1, client.qido("/studies?StudyInstanceUID=" + study).size());
        stop(archive);

        archive = start(dataDir);
        JsonArray found = client.qido("/studies?StudyInstanceUID=" + study);
        assertEquals(1, found.size(), "the study is still indexed after the restart");
        assertEquals("1", DicomWebClient.value(found.getJsonObject(0), "00201208"));
        HttpResponse<byte[]> frame = client.get(path + "/frames/3", "image/jpeg");
        assertEquals(200, frame.statusCode());
        assertArrayEquals(frame3, frame.body(), "the file is still there, frame 3 byte for byte");
        tilesAnsweredFromMemoryAreTheResourcesAnswers(client, path, frame3);
        stop(archive);
    }

    /**
     * With the launcher's defaults (retrieves audited in coalesced rows) a tile whose instance is cached and whose
     * bytes are in memory is answered on the I/O thread (IoThreadFrameHandler); the first request of a frame goes
     * through the servlet chain and fills the caches. Every answer must be the resource's: a query parameter sends
     * the same request to WadoResource.
     */
    private static void tilesAnsweredFromMemoryAreTheResourcesAnswers(DicomWebClient client, String path, byte[] frame3)
            throws Exception {
        java.util.Map<String, String> origin = java.util.Map.of("Origin", "http://viewer.example.org");
        for (String accept : List.of("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*", "image/jpeg")) {
            HttpResponse<byte[]> resource = client.get(path + "/frames/3?via=resource", accept, origin);
            assertEquals(200, resource.statusCode());
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> tile = client.get(path + "/frames/3", accept, origin);
                assertEquals(200, tile.statusCode(), accept);
                for (String h : List.of("ETag", "Cache-Control", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary")) {
                    assertEquals(resource.headers().firstValue(h), tile.headers().firstValue(h), accept + " " + h);
                }
                assertEquals(String.valueOf(tile.body().length), tile.headers().firstValue("Content-Length").orElse("?"));
                byte[] body = accept.startsWith("multipart") ? DicomWebClient.parts(tile).get(0).body() : tile.body();
                assertArrayEquals(frame3, body, accept + ", request " + (i + 1));
                String etag = tile.headers().firstValue("ETag").orElseThrow();
                HttpResponse<byte[]> revalidated = client.get(path + "/frames/3", accept, java.util.Map.of("If-None-Match", etag));
                assertEquals(304, revalidated.statusCode());
                assertEquals(0, revalidated.body().length);
            }
        }
        // a frame that does not exist, after its instance is cached: still the resource's 404
        assertEquals(404, client.get(path + "/frames/99", "image/jpeg").statusCode());
    }
}
