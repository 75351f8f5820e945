package org.wsiarchive.core.multipart;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipartRelatedTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static MultipartRelatedReader reader(byte[] body, String boundary) throws MultipartException {
        return new MultipartRelatedReader(new ByteArrayInputStream(body),
                "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
    }

    private static byte[] read(MultipartRelatedReader.Part p) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        long n = p.transferTo(o);
        assertEquals(o.size(), n, "transferTo returns the byte count");
        return o.toByteArray();
    }

    // ------------------------------------------------------------------------------------------- round trip

    @Test
    void writerReaderRoundTripWithBoundaryLikeBinaryBodies() throws Exception {
        String boundary = MultipartRelatedWriter.newBoundary();
        assertNotEquals(boundary, MultipartRelatedWriter.newBoundary());
        Random r = new Random(7);
        List<byte[]> bodies = new ArrayList<>();
        byte[] random = new byte[200_000];
        r.nextBytes(random);
        bodies.add(random);
        bodies.add(concat(bytes("\r\n--"), bytes(boundary.substring(0, boundary.length() - 1)), bytes("\r\n\r\nX"),
                bytes("--" + boundary), bytes("\n--" + boundary + "--"), bytes("\r--" + boundary), bytes("\r\n-" + boundary),
                bytes("\r\n\r\n"))); // boundary-like sequences that are not delimiters
        bodies.add(new byte[0]);
        bodies.add(bytes("\r\n"));
        byte[] crlfs = new byte[70_001];
        for (int i = 0; i < crlfs.length; i++) {
            crlfs[i] = (byte) (i % 2 == 0 ? '\r' : '\n');
        }
        bodies.add(crlfs);
        bodies.add(bytes("{\"00080018\":{\"vr\":\"UI\"}}"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MultipartRelatedWriter w = new MultipartRelatedWriter(out, boundary);
        for (int i = 0; i < bodies.size(); i++) {
            byte[] b = bodies.get(i);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("Content-Location", "/studies/1/series/2/instances/" + i);
            extra.put("X-Index", Integer.toString(i));
            w.part(i == bodies.size() - 1 ? "application/dicom+json" : "application/dicom", extra, o -> {
                o.write(b);
                o.close(); // must not close the response stream
            });
        }
        w.close();
        w.close(); // idempotent
        byte[] wire = out.toByteArray();
        assertTrue(new String(wire, StandardCharsets.ISO_8859_1).endsWith("\r\n--" + boundary + "--\r\n"));
        assertEquals(bodies.size(), w.partCount());

        try (MultipartRelatedReader rd = new MultipartRelatedReader(new ByteArrayInputStream(wire),
                w.contentType("application/dicom"))) {
            assertEquals("application/dicom", rd.rootType());
            assertEquals(boundary, rd.boundary());
            for (int i = 0; i < bodies.size(); i++) {
                MultipartRelatedReader.Part p = rd.next();
                assertNotNull(p, "part " + i);
                assertEquals(i == bodies.size() - 1 ? "application/dicom+json" : "application/dicom", p.contentType());
                assertEquals("/studies/1/series/2/instances/" + i, p.headers().get("content-location"));
                assertEquals(Integer.toString(i), p.headers().get("X-INDEX"));
                assertArrayEquals(bodies.get(i), read(p), "body " + i);
            }
            assertNull(rd.next());
            assertNull(rd.next());
        }
    }

    @Test
    void unconsumedPartsAreSkipped() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MultipartRelatedWriter w = new MultipartRelatedWriter(out, "b1")) {
            w.part("application/dicom", null, o -> o.write(new byte[100_000]));
            w.part("application/dicom", null, o -> o.write(bytes("second")));
        }
        MultipartRelatedReader rd = reader(out.toByteArray(), "b1");
        assertNotNull(rd.next());
        MultipartRelatedReader.Part second = rd.next();
        assertArrayEquals(bytes("second"), read(second));
        assertThrows(IllegalStateException.class, () -> second.transferTo(OutputStream.nullOutputStream()));
        assertNull(rd.next());
    }

    @Test
    void writerRejectsHeaderInjectionAndBadBoundaries() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MultipartRelatedWriter w = new MultipartRelatedWriter(out, "abc");
        assertThrows(IllegalArgumentException.class, () -> w.part("application/dicom\r\nX: y", null, o -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.part("application/dicom", Map.of("Bad Name", "v"), o -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.part("application/dicom", Map.of("Content-Location", "a\nb"), o -> { }));
        assertThrows(IllegalArgumentException.class, () -> new MultipartRelatedWriter(out, "x".repeat(71)));
        assertThrows(IllegalArgumentException.class, () -> new MultipartRelatedWriter(out, ""));
        assertEquals(0, out.size(), "nothing written for rejected parts");
    }

    // ------------------------------------------------------------------------------------------- large bodies

    @Test
    void threeHundredMegabytesStreamWithBoundedHeapInChildJvm() throws Exception {
        long payload = 300L * 1024 * 1024;
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                MultipartHeapProbe.class.getName(), Long.toString(payload)).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM finished");
        assertEquals(0, p.exitValue(), "child JVM with -Xmx32m failed:\n" + output);
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() -> new AssertionError(output));
        String[] f = line.split(" ");
        assertEquals(payload, Long.parseLong(f[1]), "bytes streamed");
        assertEquals(f[3], f[2], "CRC-32 of received bytes equals CRC-32 of generated payload");
        assertTrue(Long.parseLong(f[4]) <= 40L * 1024 * 1024, "child heap was bounded: " + f[4]);
    }

    @Test
    void threeHundredMegabytesStreamInProcess() throws Exception {
        long payload = 300L * 1024 * 1024;
        GeneratedMultipartBody body = new GeneratedMultipartBody("inproc", payload, -1);
        CRC32 seen = new CRC32();
        long[] maxChunk = {0};
        try (MultipartRelatedReader rd = new MultipartRelatedReader(body, "multipart/related; boundary=inproc")) {
            assertNull(rd.rootType());
            MultipartRelatedReader.Part part = rd.next();
            assertEquals("/big/1", part.headers().get("Content-Location"));
            long n = part.transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    seen.update(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    maxChunk[0] = Math.max(maxChunk[0], len);
                    seen.update(b, off, len);
                }
            });
            assertEquals(payload, n);
            assertNull(rd.next());
        }
        assertEquals(body.payloadCrc.getValue(), seen.getValue());
        assertTrue(maxChunk[0] <= MultipartRelatedReader.BUFFER_SIZE, "copied in bounded chunks, largest " + maxChunk[0]);
    }

    @Test
    void truncatedLargeBodyFailsInsideThePart() throws Exception {
        GeneratedMultipartBody body = new GeneratedMultipartBody("cut", 5_000_000, 3_000_000);
        try (MultipartRelatedReader rd = new MultipartRelatedReader(body, "multipart/related; boundary=cut")) {
            MultipartRelatedReader.Part part = rd.next();
            MultipartException e = assertThrows(MultipartException.class, () -> part.transferTo(OutputStream.nullOutputStream()));
            assertTrue(e.getMessage().contains("part 1 is truncated"), e.getMessage());
            assertThrows(MultipartException.class, rd::next, "reader refuses to continue after a failure");
        }
    }

    // ------------------------------------------------------------------------------------------- malformed bodies

    @Test
    void truncatedBodies() throws Exception {
        byte[] full = bytes("--b\r\nContent-Type: application/dicom\r\n\r\nHELLO WORLD\r\n--b--\r\n");
        // cut in the body
        MultipartRelatedReader r1 = reader(Arrays.copyOf(full, 45), "b");
        MultipartRelatedReader.Part p = r1.next();
        MultipartException e = assertThrows(MultipartException.class, () -> p.transferTo(new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // cut in the headers
        MultipartRelatedReader r2 = reader(Arrays.copyOf(full, 20), "b");
        e = assertThrows(MultipartException.class, r2::next);
        assertTrue(e.getMessage().contains("headers of part 1"), e.getMessage());
        // complete part but no closing delimiter ("--b" then EOF)
        byte[] noClose = bytes("--b\r\nContent-Type: application/dicom\r\n\r\nHELLO\r\n--b");
        MultipartRelatedReader r3 = reader(noClose, "b");
        assertArrayEquals(bytes("HELLO"), read(r3.next()));
        e = assertThrows(MultipartException.class, r3::next);
        assertTrue(e.getMessage().contains("after part 1"), e.getMessage());
        // no delimiter at all after the body
        MultipartRelatedReader r4 = reader(bytes("--b\r\nContent-Type: application/dicom\r\n\r\nHELLO"), "b");
        MultipartRelatedReader.Part p4 = r4.next();
        assertThrows(MultipartException.class, () -> p4.transferTo(new ByteArrayOutputStream()));
        // a skipped (unconsumed) truncated part also fails
        MultipartRelatedReader r5 = reader(Arrays.copyOf(full, 45), "b");
        assertNotNull(r5.next());
        assertThrows(MultipartException.class, r5::next);
        // garbage after the boundary instead of CRLF or --
        MultipartRelatedReader r6 = reader(bytes("--b\r\nContent-Type: a/b\r\n\r\nX\r\n--bXYZ\r\n"), "b");
        MultipartRelatedReader.Part p6 = r6.next();
        // "--bXYZ" is not a delimiter of boundary "b" only if followed by CRLF/--; commons-fileupload reports it
        assertThrows(MultipartException.class, () -> {
            p6.transferTo(new ByteArrayOutputStream());
            r6.next();
        });
    }

    @Test
    void emptyBodyAndBodyWithoutBoundary() throws Exception {
        MultipartException e = assertThrows(MultipartException.class, () -> reader(new byte[0], "b").next());
        assertTrue(e.getMessage().contains("does not contain the boundary"), e.getMessage());
        e = assertThrows(MultipartException.class, () -> reader(bytes("just some text, no parts"), "b").next());
        assertTrue(e.getMessage().contains("does not contain the boundary"), e.getMessage());
        // zero parts is well formed
        assertNull(reader(bytes("--b--\r\n"), "b").next());
    }

    @Test
    void preambleRules() throws Exception {
        // a preamble ending in CRLF is allowed and ignored (RFC 2046)
        MultipartRelatedReader ok = reader(bytes("This is a preamble.\r\n--b\r\nContent-Type: a/b\r\n\r\nX\r\n--b--"), "b");
        assertArrayEquals(bytes("X"), read(ok.next()));
        assertNull(ok.next());
        // the dash-boundary not at the start of a line: garbage, not a silently swallowed part
        MultipartException e = assertThrows(MultipartException.class, () ->
                reader(bytes("garbage--b\r\nContent-Type: a/b\r\n\r\nX\r\n--b\r\nContent-Type: a/b\r\n\r\nY\r\n--b--"), "b").next());
        assertTrue(e.getMessage().contains("garbage before the first boundary"), e.getMessage());
        // a huge body that never contains the boundary is rejected without reading it all
        GeneratedMultipartBody noBoundary = new GeneratedMultipartBody("other", 50_000_000, -1);
        CountingInput counting = new CountingInput(noBoundary);
        e = assertThrows(MultipartException.class, () ->
                new MultipartRelatedReader(counting, "multipart/related; boundary=zzz").next());
        assertTrue(e.getMessage().contains("within the first"), e.getMessage());
        assertTrue(counting.count < 1_000_000, "read only " + counting.count + " bytes");
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    // ------------------------------------------------------------------------------------------- Content-Type

    @Test
    void contentTypeValidation() {
        InputStream empty = new ByteArrayInputStream(new byte[0]);
        MultipartException e = assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, "multipart/related; type=\"application/dicom\""));
        assertTrue(e.getMessage().contains("no boundary"), e.getMessage());
        e = assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, "multipart/form-data; boundary=x"));
        assertTrue(e.getMessage().contains("expected multipart/related"), e.getMessage());
        e = assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, "application/dicom"));
        assertTrue(e.getMessage().contains("expected multipart/related"), e.getMessage());
        assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, null));
        assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, "multipart/related; boundary=\"unterminated"));
        assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, "multipart/related; boundary="));
        assertThrows(MultipartException.class, () -> new MultipartRelatedReader(empty, "multipart/related; boundary=" + "a".repeat(71)));
    }

    @Test
    void quotedBoundaryAndParameters() throws Exception {
        String boundary = "a:b=c d;e,f?";
        byte[] body = bytes("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\nDATA\r\n--" + boundary + "--\r\n");
        try (MultipartRelatedReader rd = new MultipartRelatedReader(new ByteArrayInputStream(body),
                "Multipart/Related ; Boundary=\"a:b=c d;e,f?\" ; TYPE=\"application/dicom\"; start=\"<root@x>\"")) {
            assertEquals(boundary, rd.boundary());
            assertEquals("application/dicom", rd.rootType());
            assertEquals("<root@x>", rd.parameters().get("start"));
            assertArrayEquals(bytes("DATA"), read(rd.next()));
            assertNull(rd.next());
        }
        // escaped quote inside a quoted boundary, and the writer quoting it back
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MultipartRelatedWriter w = new MultipartRelatedWriter(out, "x\"y z");
        w.part("text/plain", null, o -> o.write(bytes("hi")));
        w.close();
        assertEquals("multipart/related; type=\"application/dicom\"; boundary=\"x\\\"y z\"", w.contentType("application/dicom"));
        MultipartRelatedReader rd = new MultipartRelatedReader(new ByteArrayInputStream(out.toByteArray()), w.contentType("application/dicom"));
        assertEquals("x\"y z", rd.boundary());
        assertArrayEquals(bytes("hi"), read(rd.next()));
    }

    @Test
    void partHeaderParsing() throws Exception {
        byte[] body = bytes("--b\r\n"
                + "content-type: application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50\r\n"
                + "Content-Location:   https://pacs/studies/1.2/series/3/instances/4  \r\n"
                + "X-Folded: first\r\n second\r\n"
                + "X-Repeat: a\r\nX-Repeat: b\r\n"
                + "\r\nA\r\n"
                + "--b\r\n"
                + "Content-Location: /no/type\r\n"
                + "\r\nB\r\n"
                + "--b--\r\nepilogue is ignored");
        MultipartRelatedReader rd = reader(body, "b");
        MultipartRelatedReader.Part p = rd.next();
        assertEquals("application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50", p.contentType());
        assertEquals("https://pacs/studies/1.2/series/3/instances/4", p.headers().get("Content-Location"));
        assertEquals("first second", p.headers().get("x-folded"));
        assertEquals("a, b", p.headers().get("X-Repeat"));
        assertThrows(UnsupportedOperationException.class, () -> p.headers().put("x", "y"));
        assertArrayEquals(bytes("A"), read(p));
        MultipartRelatedReader.Part q = rd.next();
        assertNull(q.contentType());
        assertEquals("/no/type", q.headers().get("content-location"));
        assertArrayEquals(bytes("B"), read(q));
        assertNull(rd.next());

        MultipartRelatedReader bad = reader(bytes("--b\r\nno colon here\r\n\r\nX\r\n--b--"), "b");
        MultipartException e = assertThrows(MultipartException.class, bad::next);
        assertTrue(e.getMessage().contains("malformed header line"), e.getMessage());
    }

    @Test
    void streamsToDiskFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        byte[] data = new byte[3_000_000];
        new Random(3).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MultipartRelatedWriter w = new MultipartRelatedWriter(out, MultipartRelatedWriter.newBoundary())) {
            w.part("application/dicom", Map.of("Content-Location", "/x"), o -> o.write(data));
            String ct = w.contentType("application/dicom");
            w.close();
            MultipartRelatedReader rd = new MultipartRelatedReader(new ByteArrayInputStream(out.toByteArray()), ct);
            Path f = tmp.resolve("part.dcm");
            try (OutputStream fo = Files.newOutputStream(f)) {
                assertEquals(data.length, rd.next().transferTo(fo));
            }
            assertArrayEquals(data, Files.readAllBytes(f));
            assertNull(rd.next());
        }
    }

    @Test
    void singlePartEnvelopeIsWhatTheStreamingWriterWrites() throws Exception {
        byte[] body = "frame bytes \r\n--not-a-boundary".getBytes(StandardCharsets.US_ASCII);
        MultipartRelatedWriter.SinglePart envelope = MultipartRelatedWriter.singlePart("application/octet-stream",
                "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50");
        String type = envelope.contentType();
        assertTrue(type.startsWith("multipart/related; type=\"application/octet-stream\"; boundary="), type);
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        try (MultipartRelatedWriter writer = new MultipartRelatedWriter(streamed, boundary)) {
            writer.part("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50", null, o -> o.write(body));
        }
        ByteArrayOutputStream assembled = new ByteArrayOutputStream();
        assembled.write(envelope.head());
        assembled.write(body);
        assembled.write(envelope.tail());
        assertArrayEquals(streamed.toByteArray(), assembled.toByteArray());
        assertEquals(streamed.size(), envelope.length(body.length));
        assertNotEquals(boundary, MultipartRelatedWriter.singlePart("a/b", "a/b").contentType().split("boundary=")[1]);
    }

    @Test
    void aPartFailingHalfWayLeavesTheMessageUnterminated() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(IOException.class, () -> {
            try (MultipartRelatedWriter writer = new MultipartRelatedWriter(out, "b1")) {
                writer.part("application/octet-stream", null, o -> o.write(1));
                writer.part("application/octet-stream", null, o -> {
                    o.write(2);
                    throw new IOException("frame cannot be decoded");
                });
            }
        });
        String body = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(body.startsWith("--b1\r\n"), body);
        assertTrue(!body.contains("--b1--"), "no closing delimiter after a failed part: " + body);
        // and a complete message still gets it
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        try (MultipartRelatedWriter writer = new MultipartRelatedWriter(ok, "b1")) {
            writer.part("application/octet-stream", null, o -> o.write(1));
        }
        assertTrue(ok.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n--b1--\r\n"));
    }
}
