package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The archive as `./archive.sh run` starts it (launcher, embedded PostgreSQL in a data directory, WildFly with
 * the EAR): what was stored is still there after a stop and a start on the same data directory.
 */
class RestartIT {

    private static final int PORT_OFFSET = ArchiveDeployment.PORT_OFFSET + 200;
    private static final String BASE = "http://localhost:" + (8080 + PORT_OFFSET) + "/dicom-web";
    private Process archive;

    private Process start(Path dataDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("it.launcher.jar"),
                "--wildfly-home", System.getProperty("wildfly.home"), "--ear", System.getProperty("it.ear"))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("ARCHIVE_DATA_DIR", dataDir.toString());
        env.put("ARCHIVE_PORT_OFFSET", String.valueOf(PORT_OFFSET));
        env.put("ARCHIVE_DB_PORT", "0");
        env.put("ARCHIVE_JAVA_OPTS", "-Xmx768m");
        env.remove("ARCHIVE_DB_URL");
        Process p = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder tail = new StringBuilder();
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("Archive ready")) ready.complete(line);
                    tail.append(line).append('\n');
                    if (tail.length() > 20000) tail.delete(0, tail.length() - 20000);
                }
                ready.completeExceptionally(new AssertionError("launcher ended before ready:\n" + tail));
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        String line = ready.get(240, TimeUnit.SECONDS);
        assertTrue(line.contains(BASE), line);
        return p;
    }

    private static void stop(Process p) throws Exception {
        p.destroy(); // SIGTERM: the launcher stops WildFly, then PostgreSQL
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "launcher stopped");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (archive != null && archive.isAlive()) {
            archive.descendants().forEach(ProcessHandle::destroyForcibly);
            archive.destroyForcibly();
            archive.waitFor(30, TimeUnit.SECONDS);
        }
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
        stop(archive);
    }
}
