package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.cli.Wsi2Dicom;

/** --stow: one multipart/related STOW-RS request against a small in-process HTTP server that checks every part. */
class StowTest {

    @TempDir
    Path tmp;
    HttpServer server;
    final List<List<byte[]>> received = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    final List<String> contentLengths = new CopyOnWriteArrayList<>();

    /** Starts a STOW-RS stand-in answering {@code status}; it lists one failed SOP when {@code failOne}. */
    String start(int status, boolean failOne) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/dicom-web/studies", ex -> {
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            contentTypes.add(ct);
            contentLengths.add(String.valueOf(ex.getRequestHeaders().getFirst("Content-Length")));
            byte[] body = ex.getRequestBody().readAllBytes();
            List<byte[]> parts = parseMultipart(ct, body);
            received.add(parts);
            StringBuilder refs = new StringBuilder();
            int ok = failOne ? parts.size() - 1 : parts.size();
            for (int i = 0; i < ok; i++) {
                refs.append(i > 0 ? "," : "").append("{\"00081150\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.77.1.6\"]}}");
            }
            String json = "{\"00081199\":{\"vr\":\"SQ\",\"Value\":[" + refs + "]}"
                    + (failOne ? ",\"00081198\":{\"vr\":\"SQ\",\"Value\":[{\"00081197\":{\"vr\":\"US\",\"Value\":[272]}}]}" : "")
                    + "}";
            byte[] resp = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/dicom+json");
            ex.sendResponseHeaders(status, resp.length);
            ex.getResponseBody().write(resp);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web/studies";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Minimal multipart/related parser (independent of the client): returns the part bodies in order. */
    static List<byte[]> parseMultipart(String contentType, byte[] body) {
        Matcher m = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!m.find()) {
            throw new IllegalArgumentException("no boundary in " + contentType);
        }
        byte[] delim = ("--" + m.group(1)).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new ArrayList<>();
        int p = indexOf(body, delim, 0);
        while (p >= 0) {
            int after = p + delim.length;
            if (body[after] == '-' && body[after + 1] == '-') {
                break; // closing delimiter
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), after);
            String headers = new String(body, after, headersEnd - after, StandardCharsets.US_ASCII);
            if (!headers.toLowerCase().contains("content-type: application/dicom")) {
                throw new IllegalArgumentException("part without application/dicom: " + headers);
            }
            int next = indexOf(body, ("\r\n--" + m.group(1)).getBytes(StandardCharsets.US_ASCII), headersEnd + 4);
            parts.add(java.util.Arrays.copyOfRange(body, headersEnd + 4, next));
            p = next + 2;
        }
        return parts;
    }

    static int indexOf(byte[] d, byte[] pat, int from) {
        outer:
        for (int i = from; i <= d.length - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (d[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    int cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(args, new PrintStream(o), new PrintStream(e));
        lastOut = o.toString();
        lastErr = e.toString();
        return rc;
    }

    String lastOut;
    String lastErr;

    @Test
    void sendsEveryOutputFileByteForByteInOneRequest() throws Exception {
        String url = start(200, false);
        Path out = tmp.resolve("out");
        int rc = cli(TestSupport.svs("CMU-1-Small-Region.svs").toString(), out.toString(), "--stow", url);
        assertEquals(0, rc, lastErr);
        assertEquals(1, received.size(), "one STOW-RS request");
        assertTrue(contentTypes.get(0).startsWith("multipart/related") && contentTypes.get(0).contains("type=\"application/dicom\""),
                contentTypes.get(0));
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        }
        assertEquals(7, files.size(), "level 0 + 3 generated levels + thumbnail, label, overview");
        List<byte[]> parts = received.get(0);
        assertEquals(files.size(), parts.size());
        long total = 0;
        for (Path f : files) {
            byte[] expected = Files.readAllBytes(f);
            total += expected.length;
            assertTrue(parts.stream().anyMatch(p -> java.util.Arrays.equals(p, expected)), "part for " + f.getFileName());
        }
        for (byte[] p : parts) {
            assertArrayEquals(new byte[] {'D', 'I', 'C', 'M'}, java.util.Arrays.copyOfRange(p, 128, 132));
        }
        assertNotNull(contentLengths.get(0));
        assertTrue(Long.parseLong(contentLengths.get(0)) > total, "Content-Length sent (streamed body of known length)");
        assertTrue(lastOut.contains("STOW-RS: HTTP 200, 7 stored (ReferencedSOPSequence), 0 failed (FailedSOPSequence)"), lastOut);
    }

    @Test
    void failedStoreGivesNonZeroExitAndKeepsTheFiles() throws Exception {
        String url = start(202, true);
        Path out = tmp.resolve("out2");
        int rc = cli(TestSupport.svs("small.svs").toString(), out.toString(), "--stow", url);
        assertEquals(3, rc);
        assertTrue(lastOut.contains("STOW-RS: HTTP 202, 1 stored (ReferencedSOPSequence), 1 failed (FailedSOPSequence)"), lastOut);
        assertTrue(lastErr.contains("STOW-RS") && lastErr.contains("failed"), lastErr);
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(2, s.filter(f -> f.toString().endsWith(".dcm")).count(), "converted files stay");
        }
    }

    @Test
    void httpErrorAndUnreachableServerFail() throws Exception {
        String url = start(409, false);
        assertEquals(3, cli(TestSupport.svs("small.svs").toString(), tmp.resolve("o3").toString(), "--stow", url));
        assertTrue(lastOut.contains("HTTP 409"), lastOut);
        server.stop(0);
        server = null;
        assertEquals(3, cli(TestSupport.svs("small.svs").toString(), tmp.resolve("o4").toString(), "--stow", url));
        assertTrue(lastErr.contains("STOW-RS"), lastErr);
    }

    /** Sending progress: file bytes as the HTTP client reads the body, never going back, ending at all bytes. */
    @Test
    void sendingProgressRisesToTheSizeOfAllFiles() throws Exception {
        String url = start(200, false);
        Path out = tmp.resolve("progress");
        Converter.convert(TestSupport.svs("CMU-1-Small-Region.svs"), out, new SlideMetadata(), ConversionOptions.defaults());
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        }
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        List<Progress> events = new CopyOnWriteArrayList<>();
        var result = new org.wsiarchive.converter.stow.StowRsClient(java.net.URI.create(url)).send(files, events::add);
        assertTrue(result.success(), result.summary());
        long last = -1;
        for (Progress p : events) {
            assertEquals(Progress.Phase.SENDING, p.phase());
            assertEquals(total, p.total());
            assertTrue(p.done() >= last, p.done() + " after " + last);
            assertEquals(files.get(p.itemIndex()).getFileName().toString(), p.item());
            last = p.done();
        }
        assertEquals(total, last, "ends at the size of all files");
        assertEquals(files.size() - 1, events.get(events.size() - 1).itemIndex());
    }

    @Test
    void stowNeedsAnHttpUrl() {
        assertEquals(2, cli("a.svs", tmp.resolve("o6").toString(), "--stow", "ftp://x/y"));
        assertTrue(lastErr.contains("--stow needs an http:// or https:// URL"), lastErr);
    }
}
