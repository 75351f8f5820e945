package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsiarchive.converter.cli.Wsi2Dicom;
import org.wsiarchive.converter.dimse.CStoreClient;
import org.wsiarchive.converter.dimse.CStoreResult;
import org.wsiarchive.converter.dimse.DicomNode;

/** --store: DIMSE C-STORE of the converted files to dcmtk's storescp, and the ways it can fail. */
class CStoreTest {

    static DcmtkStoreScp scp;
    static Path received;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startScp() throws Exception {
        assumeTrue(DcmtkStoreScp.available(), "dcmtk storescp and systemd-socket-activate are needed");
        received = Files.createTempDirectory("storescp-rx");
        scp = new DcmtkStoreScp("ARCHIVE", received);
    }

    @AfterAll
    static void stopScp() throws Exception {
        if (scp != null) {
            scp.close();
        }
        if (received != null) {
            Converter.deleteTree(received);
        }
    }

    String lastOut;
    String lastErr;

    int cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(args, new PrintStream(o), new PrintStream(e));
        lastOut = o.toString();
        lastErr = e.toString();
        return rc;
    }

    static List<Path> dcmFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        }
    }

    /** Received files of the storescp directory by SOP Instance UID (read from their headers, not their names). */
    static Map<String, Path> receivedByUid(Path dir) throws Exception {
        Map<String, Path> m = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                m.put(Dcm.str(TestSupport.header(f), "SOPInstanceUID"), f);
            }
        }
        return m;
    }

    /**
     * The Pixel Data element (tag, VR, length, value; encapsulated: all items and the delimiter) at the end of a file,
     * found without the code under test: the last (7FE0,0010) OB header whose length is undefined or reaches exactly
     * to the end of the file.
     */
    static byte[] pixelDataElement(Path file) throws IOException {
        byte[] d = Files.readAllBytes(file);
        byte[] tag = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0};
        outer:
        for (int p = d.length - 12; p >= 0; p--) {
            for (int j = 0; j < tag.length; j++) {
                if (d[p + j] != tag[j]) {
                    continue outer;
                }
            }
            long len = java.nio.ByteBuffer.wrap(d, p + 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            if (len == 0xFFFFFFFFL || p + 12 + len == d.length) {
                return java.util.Arrays.copyOfRange(d, p, d.length);
            }
        }
        throw new IOException("no Pixel Data element at the end of " + file);
    }

    /** Every output file arrived once, with its SOP Instance UID, its transfer syntax and byte-identical Pixel Data. */
    static void assertReceivedUnchanged(List<Path> sent, Path receivedDir) throws Exception {
        Map<String, Path> rx = receivedByUid(receivedDir);
        for (Path f : sent) {
            AttributeList h = TestSupport.header(f);
            String uid = Dcm.str(h, "SOPInstanceUID");
            Path r = rx.get(uid);
            assertTrue(r != null, "storescp received " + f.getFileName() + " (" + uid + ")");
            AttributeList rh = TestSupport.header(r);
            assertEquals("1.2.840.10008.5.1.4.1.1.77.1.6", Dcm.str(rh, "SOPClassUID"));
            assertEquals(Dcm.str(h, "TransferSyntaxUID"), Dcm.str(rh, "TransferSyntaxUID"), "not transcoded: " + f.getFileName());
            assertArrayEquals(pixelDataElement(f), pixelDataElement(r), "Pixel Data of " + f.getFileName());
            assertEquals(Dcm.str(h, "NumberOfFrames"), Dcm.str(rh, "NumberOfFrames"));
        }
    }

    /** CMU: JPEG baseline tiles and a native (Explicit VR LE) label; TCGA: JPEG 2000 tiles. */
    @ParameterizedTest
    @ValueSource(strings = {"CMU-1-Small-Region.svs", "tcga-cr-7395-01a-01-ts1.svs"})
    void storesEveryFileOnOneAssociationUnchanged(String slide) throws Exception {
        Path rx = Files.createDirectory(tmp.resolve("rx"));
        Path out = tmp.resolve("out");
        List<Path> files;
        // a storescp of its own: its connection count is complete once it is stopped
        try (DcmtkStoreScp own = new DcmtkStoreScp("ARCHIVE", rx)) {
            int rc = cli(TestSupport.svs(slide).toString(), out.toString(), "--store", own.address(),
                    "--calling-aet", "WSITEST");
            assertEquals(0, rc, lastErr + own.log());
            files = dcmFiles(out);
            assertTrue(lastOut.contains("C-STORE to " + own.address() + ": " + files.size() + " stored, 0 failed"), lastOut);
            own.close();
            assertEquals(1, own.connections(), "one association for all files: " + own.log());
        }
        for (Path f : files) {
            String uid = Dcm.str(TestSupport.header(f), "SOPInstanceUID");
            assertTrue(lastOut.contains(f.getFileName() + " " + uid + ": stored (status 0x0000)"), lastOut);
        }
        assertReceivedUnchanged(files, rx);
        java.util.Set<String> syntaxes = new java.util.TreeSet<>();
        for (Path f : files) {
            syntaxes.add(Dcm.str(TestSupport.header(f), "TransferSyntaxUID"));
        }
        assertEquals(slide.startsWith("CMU") ? java.util.Set.of("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.1")
                : java.util.Set.of("1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.50"), syntaxes, "the transfer syntaxes the test covers");
    }

    @Test
    void sendingReportsMonotonicProgressUpToAllBytes() throws Exception {
        Path out = tmp.resolve("p");
        Converter.convert(TestSupport.svs("CMU-1-Small-Region.svs"), out, new SlideMetadata(), ConversionOptions.defaults());
        List<Path> files = dcmFiles(out);
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        List<Progress> events = new ArrayList<>();
        CStoreResult r = new CStoreClient(DicomNode.parse(scp.address()), "WSITEST").send(files, events::add);
        assertTrue(r.success(), r.summary());
        assertEquals(files.size(), r.storedCount());
        assertFalse(events.isEmpty());
        long last = -1;
        int lastItem = 0;
        for (Progress p : events) {
            assertEquals(Progress.Phase.SENDING, p.phase());
            assertEquals(total, p.total());
            assertEquals(files.size(), p.itemCount());
            assertTrue(p.done() >= last, "monotonic: " + p.done() + " after " + last);
            assertTrue(p.itemIndex() >= lastItem, "files in order");
            assertEquals(files.get(p.itemIndex()).getFileName().toString(), p.item());
            last = p.done();
            lastItem = p.itemIndex();
        }
        assertEquals(total, events.get(events.size() - 1).done(), "ends at the total");
        assertEquals(files.size() - 1, lastItem);
        assertReceivedUnchanged(files, received);
    }

    @Test
    void stowAndStoreTogetherBothAttemptedAndAFailureOfOneGivesExit3() throws Exception {
        int closed = DcmtkStoreScp.freeLoopbackPort();
        Path out = tmp.resolve("both");
        int rc = cli(TestSupport.svs("small.svs").toString(), out.toString(),
                "--stow", "http://127.0.0.1:" + closed + "/dicom-web/studies", "--store", scp.address());
        assertEquals(3, rc, lastErr);
        assertTrue(lastErr.contains("STOW-RS to http://127.0.0.1:" + closed) && lastErr.contains("failed"), lastErr);
        assertTrue(lastOut.contains("C-STORE to " + scp.address() + ": 2 stored, 0 failed"), "C-STORE still done: " + lastOut);
        assertReceivedUnchanged(dcmFiles(out), received);
    }

    /**
     * A real failure status: storescp answers 0xA700 (out of resources) when it cannot write a file, here because a
     * directory already has the name it writes the level to ("VLw." + SOP Instance UID). The other file is stored.
     */
    @Test
    void failureStatusOfTheScpIsReportedPerFile() throws Exception {
        Path out = tmp.resolve("o");
        Converter.convert(TestSupport.svs("small.svs"), out, new SlideMetadata(), ConversionOptions.defaults());
        List<Path> files = dcmFiles(out);
        Path level0 = out.resolve("level-0.dcm");
        String blockedUid = Dcm.str(TestSupport.header(level0), "SOPInstanceUID");
        Path rx = Files.createDirectory(tmp.resolve("rx"));
        Files.createDirectory(rx.resolve("VLw." + blockedUid));
        CStoreResult r;
        try (DcmtkStoreScp own = new DcmtkStoreScp("ARCHIVE", rx)) {
            r = new CStoreClient(DicomNode.parse(own.address()), "WSITEST").send(files, ProgressListener.NONE);
        }
        assertFalse(r.success());
        assertEquals(1, r.storedCount(), r.summary());
        for (CStoreResult.FileStatus f : r.files()) {
            boolean blocked = f.file().equals(level0);
            assertEquals(blocked ? 0xA700 : 0x0000, f.status(), f.toString());
            assertEquals(!blocked, f.stored());
        }
        assertTrue(r.summary().contains(": 1 stored, 1 failed"), r.summary());
        assertTrue(r.summary().contains("level-0.dcm " + blockedUid + ": FAILED (status 0xA700: out of resources)"),
                r.summary());
        assertTrue(r.headline().startsWith("1 stored, 1 failed (first: level-0.dcm"), r.headline());
        assertReceivedUnchanged(List.of(out.resolve("thumbnail.dcm")), rx);
    }

    /** storescp --abort-after aborts the association after the first C-STORE request: no status, exit 3. */
    @Test
    void abortedAssociationFailsEveryFileAndKeepsThem() throws Exception {
        Path rx = Files.createDirectory(tmp.resolve("rx"));
        Path out = tmp.resolve("aborted");
        PrintStream systemErr = System.err;
        ByteArrayOutputStream toolkitLog = new ByteArrayOutputStream();
        try (DcmtkStoreScp aborting = new DcmtkStoreScp("ARCHIVE", rx, "--abort-after")) {
            int rc;
            // PixelMed would print its own log of the abort to System.err, in front of the command line's message
            System.setErr(new PrintStream(toolkitLog, true));
            try {
                rc = cli(TestSupport.svs("small.svs").toString(), out.toString(), "--store", aborting.address());
            } finally {
                System.setErr(systemErr);
            }
            assertEquals("", toolkitLog.toString(), "nothing but the command line's own message on stderr");
            assertEquals(3, rc, lastErr);
            assertTrue(lastOut.contains("C-STORE to " + aborting.address() + ": 0 stored, 2 failed"), lastOut);
            assertTrue(lastOut.contains("level-0.dcm") && lastOut.contains(
                    "NOT STORED (no response) - association ended: A-ABORT indication - by DICOM UL Service User"), lastOut);
            assertTrue(lastOut.contains("thumbnail.dcm") && lastOut.contains("NOT STORED (no response) - not sent,"), lastOut);
            assertTrue(lastErr.startsWith("wsi2dicom: C-STORE to " + aborting.address() + " failed: 0 stored, 2 failed")
                    && lastErr.strip().endsWith("the converted files remain in " + out), lastErr);
        }
        assertEquals(2, dcmFiles(out).size(), "the converted files stay");
    }

    @Test
    void nobodyListeningIsAClearConnectionError() throws Exception {
        int closed = DcmtkStoreScp.freeLoopbackPort();
        Path out = tmp.resolve("refused");
        int rc = cli(TestSupport.svs("small.svs").toString(), out.toString(), "--store", "ARCHIVE@127.0.0.1:" + closed);
        assertEquals(3, rc);
        assertTrue(lastErr.contains("connection to 127.0.0.1:" + closed + " refused: no DICOM C-STORE SCP is listening"),
                lastErr);
        assertTrue(lastErr.contains("the converted files remain in " + out), lastErr);
        assertEquals(2, dcmFiles(out).size());
    }

    /**
     * dcmtk's storescp accepts any called AE title; dcmqrscp checks it against its AE table but cannot be bound to
     * loopback, so it runs in a network namespace of its own that has nothing but loopback, and the command line runs
     * (as a second JVM) in the same namespace.
     */
    @Test
    void wrongCalledAeTitleIsRejected() throws Exception {
        assumeTrue(TestSupport.onPath("dcmqrscp") && TestSupport.onPath("unshare") && TestSupport.onPath("ss"),
                "dcmqrscp, unshare and ss are needed");
        assumeTrue(TestSupport.run(List.of("unshare", "--net", "true")).exitCode() == 0,
                "no permission to create a network namespace");
        Path db = Files.createDirectory(tmp.resolve("qr"));
        Path cfg = tmp.resolve("dcmqrscp.cfg");
        Files.writeString(cfg, """
                NetworkTCPPort  = 11112
                MaxPDUSize      = 16384
                MaxAssociations = 4
                HostTable BEGIN
                HostTable END
                VendorTable BEGIN
                VendorTable END
                AETable BEGIN
                ARCHIVE %s RW (10, 100mb) ANY
                AETable END
                """.formatted(db));
        Path out = tmp.resolve("rejected");
        String java = ProcessHandle.current().info().command().orElse("java");
        String script = """
                ip link set lo up || exit 90
                dcmqrscp -c "$1" --single-process & scp=$!
                trap 'kill $scp; wait $scp' EXIT
                for i in $(seq 300); do ss -Hltn 'sport = :11112' | grep -q LISTEN && break; sleep 0.1; done
                "$2" -Djava.awt.headless=true -cp "$3" org.wsiarchive.converter.cli.Wsi2Dicom "$4" "$5" --store WRONG@127.0.0.1:11112
                """;
        Process p = new ProcessBuilder("unshare", "--net", "sh", "-c", script, "sh", cfg.toString(), java,
                System.getProperty("java.class.path"), TestSupport.svs("small.svs").toString(), out.toString())
                .redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        } finally {
            p.destroy();
        }
        assertEquals(3, p.exitValue(), output);
        assertTrue(output.contains("wsi2dicom: C-STORE to WRONG@127.0.0.1:11112 failed: association rejected by"
                + " WRONG@127.0.0.1:11112 (calling AE title WSI2DICOM): A-ASSOCIATE-RJ"), output);
        assertTrue(output.contains("called AE Title not recognized"), output);
        assertEquals(2, dcmFiles(out).size(), "the converted files stay");
    }

    @Test
    void malformedPeerOrAeTitleIsAUsageError() throws Exception {
        for (String bad : new String[] {"ARCHIVE@localhost", "ARCHIVE", "@localhost:104", "ARCHIVE@:104",
                "ARCHIVE@localhost:", "ARCHIVE@localhost:abc", "ARCHIVE@localhost:0", "ARCHIVE@localhost:70000",
                "SEVENTEEN_CHARS_X@localhost:104", "BACK\\SLASH@localhost:104", "ARCHIVE@::1:104"}) {
            Path out = tmp.resolve("bad");
            assertEquals(2, cli(TestSupport.svs("small.svs").toString(), out.toString(), "--store", bad), bad);
            assertTrue(lastErr.startsWith("wsi2dicom: --store: "), lastErr);
            assertFalse(Files.exists(out), "nothing converted for " + bad);
        }
        assertTrue(cli("a.svs", tmp.resolve("x").toString(), "--store", "ARCHIVE@localhost") == 2
                && lastErr.contains("expected AET@HOST:PORT"), lastErr);
        assertEquals(2, cli("a.svs", tmp.resolve("x").toString(), "--store", scp.address(), "--calling-aet", "A\\B"));
        assertTrue(lastErr.contains("--calling-aet \"A\\B\" is not a valid AE title"), lastErr);
        assertEquals(2, cli("a.svs", tmp.resolve("x").toString(), "--store"));
        assertTrue(lastErr.contains("--store needs a value"), lastErr);
        assertEquals(new DicomNode("ARCHIVE", "::1", 11112), DicomNode.parse("ARCHIVE@[::1]:11112"));
    }
}
