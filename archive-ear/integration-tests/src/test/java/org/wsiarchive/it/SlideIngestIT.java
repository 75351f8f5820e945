package org.wsiarchive.it;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.*;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Proprietary slides into the archive on the real stack: an SVS uploaded to /api/slides becomes a conversion job
 * that ends SUCCEEDED with its DICOM stored (found by QIDO-RS with the uploader's metadata, frames equal to the
 * source tiles); a broken file ends FAILED with the converter's reason, its source kept and nothing stored; a
 * file dropped into the watch folder becomes a job the same way.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlideIngestIT {

    static final String API = "http://localhost:" + (8080 + ArchiveDeployment.PORT_OFFSET) + "/api";
    static final Path SVS = ArchiveDeployment.testdata("wsi/svs/CMU-1-Small-Region.svs");
    static final Path BROKEN = ArchiveDeployment.testdata("wsi/invalid/broken.svs");
    static final String PATIENT_ID = "INGEST-IT-" + UUID.randomUUID().toString().substring(0, 8);
    static final String CONTAINER_ID = "SLIDE-" + PATIENT_ID;
    static final long TIMEOUT_MS = 180_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final DicomWebClient dicomweb = new DicomWebClient(ArchiveDeployment.BASE);

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    @Test
    @Order(1)
    void uploadedSvsIsConvertedStoredAndFoundWithItsMetadata() throws Exception {
        HttpResponse<byte[]> r = upload(SVS, "CMU-1-Small-Region.svs",
                Map.of("PatientID", PATIENT_ID, "ContainerIdentifier", CONTAINER_ID, "PatientName", "Ingest^Test"));
        assertEquals(202, r.statusCode(), text(r));
        String location = r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location"));
        JsonObject accepted = DicomWebClient.jsonObject(r.body());
        long id = accepted.getJsonNumber("id").longValue();
        assertTrue(location.endsWith("/api/conversion-jobs/" + id), location);
        assertTrue(Set.of("QUEUED", "RUNNING").contains(accepted.getString("status")), accepted.toString());
        assertEquals(PATIENT_ID, accepted.getJsonObject("metadata").getString("PatientID"));
        assertEquals("UPLOAD", accepted.getString("origin"));

        JsonObject job = awaitFinished(location);
        assertEquals("SUCCEEDED", job.getString("status"), job.toString());
        assertEquals(100, job.getInt("progressPercent"));
        assertEquals(job.getInt("framesTotal"), job.getInt("framesStored"));
        String study = job.getString("studyInstanceUID");
        String series = job.getString("seriesInstanceUID");
        int instances = job.getInt("instanceCount");
        assertTrue(instances >= 4, "levels + thumbnail, overview, label: " + job);
        assertNotNull(job.getString("finishedTime", null));
        // the source is kept beside the job, byte for byte; the converter's output folder is gone
        Path source = Path.of(job.getString("sourcePath"));
        assertEquals(-1, Files.mismatch(SVS, source), "kept source equals the upload");
        assertFalse(Files.exists(source.getParent().resolveSibling("output")), "output folder removed");

        // QIDO-RS finds the study by the uploader's Patient ID
        JsonArray studies = dicomweb.qido("/studies?PatientID=" + PATIENT_ID);
        assertEquals(1, studies.size(), studies.toString());
        assertEquals(study, DicomWebClient.value(studies.getJsonObject(0), "0020000D"));
        assertEquals("SM", DicomWebClient.value(studies.getJsonObject(0), "00080061"));
        JsonArray found = dicomweb.qido("/studies/" + study + "/series/" + series + "/instances");
        assertEquals(instances, found.size());

        // every instance: VL WSI, the uploader's container, one of the expected image flavours
        HttpResponse<byte[]> meta = dicomweb.get("/studies/" + study + "/series/" + series + "/metadata",
                "application/dicom+json");
        assertEquals(200, meta.statusCode(), text(meta));
        Set<String> flavours = new TreeSet<>();
        JsonObject level0 = null;
        for (JsonValue v : DicomWebClient.jsonArray(meta.body())) {
            JsonObject ds = v.asJsonObject();
            assertEquals("1.2.840.10008.5.1.4.1.1.77.1.6", DicomWebClient.value(ds, "00080016"));
            assertEquals(PATIENT_ID, DicomWebClient.value(ds, "00100020"));
            assertEquals(CONTAINER_ID, DicomWebClient.value(ds, "00400512"));
            String flavour = ds.getJsonObject("00080008").getJsonArray("Value").getString(2);
            flavours.add(flavour);
            if (flavour.equals("VOLUME") && "ORIGINAL".equals(DicomWebClient.value(ds, "00080008"))) {
                level0 = ds;
            }
        }
        assertTrue(flavours.containsAll(Set.of("VOLUME", "LABEL", "OVERVIEW", "THUMBNAIL")), flavours.toString());
        assertNotNull(level0, "an ORIGINAL VOLUME instance");

        // frames equal the source tiles: as many frames as tiles, and frame 1 = SOI + markers + JPEGTables + tile 1
        SvsLevel source0 = SvsLevel.firstDirectory(SVS);
        assertEquals(source0.tileOffsets.length, Integer.parseInt(DicomWebClient.value(level0, "00280008")),
                "NumberOfFrames = tiles of level 0");
        String iuid = DicomWebClient.value(level0, "00080018");
        for (int frame : new int[] {1, source0.tileOffsets.length}) {
            HttpResponse<byte[]> fr = dicomweb.get("/studies/" + study + "/series/" + series + "/instances/" + iuid
                    + "/frames/" + frame, "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
            assertEquals(200, fr.statusCode(), text(fr));
            byte[] served = DicomWebClient.parts(fr).getFirst().body();
            byte[] tile = source0.tile(frame - 1);
            byte[] tables = source0.jpegTables;
            assertEquals((byte) 0xFF, served[0]);
            assertEquals((byte) 0xD8, served[1]);
            // the tile without its SOI ends the frame; the tile ends with EOI, so a trailing 0 is the pad of an odd frame
            byte[] tail = Arrays.copyOfRange(tile, 2, tile.length);
            int end = served.length - (served[served.length - 1] == 0 ? 1 : 0);
            assertArrayEquals(tail, Arrays.copyOfRange(served, end - tail.length, end), "frame " + frame + " = tile");
            // the JPEGTables body (between its SOI and EOI) is spliced in before the tile
            byte[] tableBody = Arrays.copyOfRange(tables, 2, tables.length - 2);
            assertTrue(indexOf(served, tableBody) > 0 && indexOf(served, tableBody) < end - tail.length,
                    "frame " + frame + " carries the JPEGTables");
        }

        // the audit trail has the job's creation and success
        assertTrue(audited("CONVERSION_JOB_CREATED", "conversion job " + id + " "), "creation audited");
        assertTrue(audited("CONVERSION_SUCCEEDED", "conversion job " + id + ":"), "success audited");
        assertTrue(auditedStore(study), "instances stored with protocol INGEST");
    }

    @Test
    @Order(2)
    void brokenFileFailsWithTheReasonKeepsTheSourceAndStoresNothing() throws Exception {
        String patient = PATIENT_ID + "-BROKEN";
        HttpResponse<byte[]> r = upload(BROKEN, "broken.svs", Map.of("PatientID", patient));
        assertEquals(202, r.statusCode(), text(r));
        JsonObject job = awaitFinished(r.headers().firstValue("Location").orElseThrow());
        assertEquals("FAILED", job.getString("status"), job.toString());
        String reason = job.getString("message");
        assertTrue(reason.contains("broken.svs") && reason.contains("unsupported format"), reason);
        assertEquals(0, job.getInt("instanceCount"));
        assertFalse(job.containsKey("studyInstanceUID"), job.toString());
        Path source = Path.of(job.getString("sourcePath"));
        assertEquals(-1, Files.mismatch(BROKEN, source), "source kept as uploaded");
        assertFalse(Files.exists(source.getParent().resolveSibling("output")), "no partial output left");
        assertEquals(0, dicomweb.qido("/studies?PatientID=" + patient).size(), "nothing stored");
        assertTrue(audited("CONVERSION_FAILED", "conversion job " + job.getJsonNumber("id").longValue() + " "),
                "failure audited");

        // listing by status shows it
        JsonArray failed = jobs("?status=FAILED");
        assertTrue(failed.stream().anyMatch(v -> v.asJsonObject().getJsonNumber("id").longValue()
                == job.getJsonNumber("id").longValue()), failed.toString());
    }

    @Test
    @Order(3)
    void badRequestsAreRefusedBeforeAnyJobExists() throws Exception {
        int before = jobs("?limit=1000").size();
        assertEquals(400, upload(SVS, "x.svs", Map.of("PatientSex", "X")).statusCode(), "bad metadata value");
        assertEquals(400, upload(SVS, "x.svs", Map.of("NoSuchKeyword", "1")).statusCode(), "unknown metadata key");
        assertEquals(400, upload(SVS, null, Map.of()).statusCode(), "no file name");
        assertEquals(before, jobs("?limit=1000").size(), "no job created");
        assertEquals(404, get(API + "/conversion-jobs/987654321").statusCode());
    }

    @Test
    @Order(4)
    void fileDroppedIntoTheWatchFolderBecomesASucceededJob() throws Exception {
        Path incoming = ItEnvironment.workDir().resolve("incoming");
        assertTrue(Files.isDirectory(incoming), "watch folder created by the archive: " + incoming);
        String name = "watched-" + UUID.randomUUID().toString().substring(0, 8) + ".svs";
        // written under a hidden name, then renamed: the watch folder must never take a half-copied file
        Path partial = incoming.resolve("." + name);
        Files.copy(SVS, partial);
        Files.move(partial, incoming.resolve(name), StandardCopyOption.ATOMIC_MOVE);

        JsonObject job = null;
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (job == null && System.currentTimeMillis() < deadline) {
            for (JsonValue v : jobs("?limit=50")) {
                if (v.asJsonObject().getString("sourceFileName").equals(name)) job = v.asJsonObject();
            }
            if (job == null) Thread.sleep(500);
        }
        assertNotNull(job, "a job for " + name);
        assertEquals("WATCH_FOLDER", job.getString("origin"));
        job = awaitFinished(job.getString("href"));
        assertEquals("SUCCEEDED", job.getString("status"), job.toString());
        assertFalse(Files.exists(incoming.resolve(name)), "moved out of the watch folder");
        assertEquals(-1, Files.mismatch(SVS, Path.of(job.getString("sourcePath"))), "moved into the job's folder");
        String study = job.getString("studyInstanceUID");
        assertEquals(1, dicomweb.qido("/studies?StudyInstanceUID=" + study).size());
        // without metadata the container is named after the file
        JsonArray instances = dicomweb.qido("/studies/" + study + "/instances");
        assertEquals(job.getInt("instanceCount"), instances.size());
    }

    /**
     * The archive as the launcher runs it, stopped with a job RUNNING and one QUEUED: after the start the running
     * one is FAILED with a reason (re-running would store a second copy under new UIDs), the queued one runs.
     */
    @Test
    @Order(5)
    void jobsInterruptedByAStopAreSettledAtTheNextStart() throws Exception {
        Path dataDir = ItEnvironment.workDir().resolve("ingest-restart-data");
        int dbPort = ItEnvironment.freePort(); // the launcher is asked for a known port: the test connects to insert jobs
        int offset = ArchiveDeployment.PORT_OFFSET + 300;
        String api = "http://localhost:" + (8080 + offset) + "/api";
        List<LaunchedArchive> launched = new ArrayList<>();
        try {
            // a first run creates the schema; the jobs are then written while the archive is down, into its own
            // database, as a crash would leave them (a running archive would pick a queued job up at once)
            launched.add(LaunchedArchive.start(dataDir, offset, dbPort, 300));
            launched.get(0).stop(120);
            long running;
            long queued;
            try (org.wsiarchive.launcher.EmbeddedDatabase db =
                         org.wsiarchive.launcher.EmbeddedDatabase.start(dataDir.resolve("postgres"), dbPort);
                 Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
                running = insertJob(c, "RUNNING", "interrupted.svs");
                queued = insertJob(c, "QUEUED", "queued.svs");
                Path source = Files.createDirectories(dataDir.resolve("storage/ingest/" + queued + "/source"))
                        .resolve("queued.svs");
                Files.copy(SVS, source);
                try (PreparedStatement s = c.prepareStatement(
                        "update conversion_job set source_path = ?, source_size = ? where id = ?")) {
                    s.setString(1, source.toString());
                    s.setLong(2, Files.size(source));
                    s.setLong(3, queued);
                    s.executeUpdate();
                }
            }
            LaunchedArchive archive = LaunchedArchive.start(dataDir, offset, dbPort, 300);
            launched.add(archive);

            JsonObject interrupted = awaitFinished(api + "/conversion-jobs/" + running);
            assertEquals("FAILED", interrupted.getString("status"), interrupted.toString());
            assertTrue(interrupted.getString("message").contains("interrupted by an archive restart"), interrupted.toString());
            JsonObject resumed = awaitFinished(api + "/conversion-jobs/" + queued);
            assertEquals("SUCCEEDED", resumed.getString("status"), resumed.toString());
            assertTrue(Files.isDirectory(dataDir.resolve("incoming")), "the launcher configures the watch folder");
            archive.stop(120);
        } finally {
            for (LaunchedArchive a : launched) a.close();
        }
    }

    private static long insertJob(Connection c, String status, String name) throws Exception {
        try (PreparedStatement s = c.prepareStatement("insert into conversion_job (origin, source_file_name, status,"
                + " message, requester_protocol, requester_user, started_time) values ('UPLOAD', ?, ?, ?, 'INGEST',"
                + " 'it', " + (status.equals("RUNNING") ? "now()" : "null") + ") returning id")) {
            s.setString(1, name);
            s.setString(2, status);
            s.setString(3, status.equals("RUNNING") ? "converting: 10 MiB of DICOM written" : "queued");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // --- helpers

    private HttpResponse<byte[]> upload(Path file, String name, Map<String, String> metadata)
            throws IOException, InterruptedException {
        StringJoiner query = new StringJoiner("&", "?", "");
        if (name != null) query.add("filename=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        metadata.forEach((k, v) -> query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(API + "/slides" + query))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonArray jobs(String query) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = get(API + "/conversion-jobs" + query);
        assertEquals(200, r.statusCode(), text(r));
        return DicomWebClient.jsonArray(r.body());
    }

    /** Polls the job until it is SUCCEEDED or FAILED; progress only ever grows meanwhile. */
    private JsonObject awaitFinished(String location) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        int lastProgress = 0;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<byte[]> r = get(location);
            assertEquals(200, r.statusCode(), text(r));
            JsonObject job = DicomWebClient.jsonObject(r.body());
            String status = job.getString("status");
            if (status.equals("SUCCEEDED") || status.equals("FAILED")) return job;
            int progress = job.getInt("progressPercent");
            assertTrue(progress >= lastProgress, "progress went back: " + job);
            lastProgress = progress;
            Thread.sleep(300);
        }
        throw new AssertionError("job " + location + " not finished within " + TIMEOUT_MS + " ms");
    }

    private static boolean audited(String action, String detailPart) throws Exception {
        try (Connection c = ItEnvironment.archiveDatabase();
             PreparedStatement s = c.prepareStatement(
                     "select count(*) from audit_event where action = ? and protocol = 'INGEST' and detail like ?")) {
            s.setString(1, action);
            s.setString(2, "%" + detailPart + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    private static boolean auditedStore(String study) throws Exception {
        try (Connection c = ItEnvironment.archiveDatabase();
             PreparedStatement s = c.prepareStatement(
                     "select count(*) from audit_event where action = 'STORE' and protocol = 'INGEST' and study_iuid = ?")) {
            s.setString(1, study);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) >= 4;
            }
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** The tiles and JPEGTables of the first directory of a little-endian classic TIFF (Aperio SVS level 0). */
    record SvsLevel(Path file, long[] tileOffsets, long[] tileByteCounts, byte[] jpegTables) {

        static SvsLevel firstDirectory(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file)) {
                ByteBuffer header = read(ch, 0, 8);
                if (header.getShort(0) != 0x4949 || header.getShort(2) != 42) {
                    throw new IOException(file + " is not a little-endian classic TIFF");
                }
                long ifd = Integer.toUnsignedLong(header.getInt(4));
                int count = read(ch, ifd, 2).getShort(0) & 0xFFFF;
                ByteBuffer entries = read(ch, ifd + 2, count * 12);
                long[] offsets = null, counts = null;
                byte[] tables = null;
                for (int i = 0; i < count; i++) {
                    int tag = entries.getShort(i * 12) & 0xFFFF;
                    int type = entries.getShort(i * 12 + 2) & 0xFFFF;
                    int n = entries.getInt(i * 12 + 4);
                    long valueOffset = Integer.toUnsignedLong(entries.getInt(i * 12 + 8));
                    switch (tag) {
                        case 324 -> offsets = values(ch, type, n, valueOffset, entries, i * 12 + 8);
                        case 325 -> counts = values(ch, type, n, valueOffset, entries, i * 12 + 8);
                        case 347 -> {
                            ByteBuffer b = n <= 4 ? entries.slice(i * 12 + 8, n) : read(ch, valueOffset, n);
                            tables = new byte[n];
                            b.get(0, tables);
                        }
                        default -> { }
                    }
                }
                if (offsets == null || counts == null || tables == null) {
                    throw new IOException(file + ": first directory has no tiles or JPEGTables");
                }
                return new SvsLevel(file, offsets, counts, tables);
            }
        }

        byte[] tile(int index) throws IOException {
            try (FileChannel ch = FileChannel.open(file)) {
                ByteBuffer b = read(ch, tileOffsets[index], (int) tileByteCounts[index]);
                byte[] out = new byte[b.remaining()];
                b.get(0, out);
                return out;
            }
        }

        private static long[] values(FileChannel ch, int type, int n, long offset, ByteBuffer entries, int inline)
                throws IOException {
            int size = type == 3 ? 2 : 4; // SHORT or LONG
            ByteBuffer b = n * size <= 4 ? entries.slice(inline, 4).order(ByteOrder.LITTLE_ENDIAN) : read(ch, offset, n * size);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = size == 2 ? b.getShort(i * 2) & 0xFFFF : Integer.toUnsignedLong(b.getInt(i * 4));
            }
            return v;
        }

        private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b, position + b.position()) < 0) throw new IOException("unexpected end of file");
            }
            return b.flip();
        }
    }
}
