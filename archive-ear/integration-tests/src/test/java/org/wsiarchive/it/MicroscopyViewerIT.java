package org.wsiarchive.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.wsiarchive.converter.ConversionOptions;
import org.wsiarchive.converter.ConversionResult;
import org.wsiarchive.converter.Converter;
import org.wsiarchive.converter.SlideMetadata;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * dicom-microscopy-viewer (npm; the viewer engine of Slim) in headless Debian Chromium, served from another origin
 * than the archive, showing a slide converted from the shared samples: every request to the archive crosses origins
 * (CORS, with preflights for the DICOMweb Accept headers). Checks that every tile request succeeded and that the
 * screenshot shows H&amp;E tissue. Also checks the CORS answers themselves, errors included.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MicroscopyViewerIT {

    private static final String PAGE_ORIGIN = "http://127.0.0.1:4321";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** The converted slide, stored once for both tests. */
    private static ConversionResult slide;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private static synchronized ConversionResult storedSlide() throws Exception {
        if (slide == null) {
            Path out = ItEnvironment.workDir().resolve("converted-cmu-1-small-region");
            ConversionResult result = Converter.convert(ArchiveDeployment.testdata("wsi/svs/CMU-1-Small-Region.svs"), out,
                    new SlideMetadata(), ConversionOptions.defaults());
            List<Path> files = result.instances().stream().map(ConversionResult.Instance::file).toList();
            HttpResponse<byte[]> stow = new DicomWebClient(ArchiveDeployment.BASE).stow(files);
            assertEquals(200, stow.statusCode(), () -> "STOW of the converted slide: " + new String(stow.body()));
            slide = result;
        }
        return slide;
    }

    // ---- CORS as the browser sees it ---------------------------------------------------------------------------

    private static HttpResponse<String> send(String method, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static void assertListed(String list, String... names) {
        assertNotNull(list);
        List<String> values = List.of(list.toLowerCase().split("\\s*,\\s*"));
        for (String n : names) assertTrue(values.contains(n.toLowerCase()), n + " not in " + list);
    }

    @Test
    void preflightsAndErrorsCarryCorsHeaders() throws Exception {
        ConversionResult s = storedSlide();
        String instance = ArchiveDeployment.BASE + "/studies/" + s.studyUid() + "/series/" + s.seriesUid()
                + "/instances/" + s.instances().getFirst().sopInstanceUid();

        // the preflight a browser sends before a frames request with the DICOMweb Accept header and a bearer token
        for (String url : List.of(instance + "/frames/1", ArchiveDeployment.BASE + "/no/such/resource")) {
            HttpResponse<String> preflight = send("OPTIONS", url, Map.of("Origin", PAGE_ORIGIN,
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "accept,authorization,x-trace-id"));
            assertEquals(204, preflight.statusCode(), url);
            assertEquals("*", header(preflight, "Access-Control-Allow-Origin"));
            assertListed(header(preflight, "Access-Control-Allow-Methods"), "GET", "POST", "OPTIONS");
            assertListed(header(preflight, "Access-Control-Allow-Headers"), "Authorization", "Accept", "Content-Type",
                    "x-trace-id");
            assertTrue(Long.parseLong(header(preflight, "Access-Control-Max-Age")) > 0);
        }
        // STOW from a browser: POST with a multipart Content-Type
        HttpResponse<String> stowPreflight = send("OPTIONS", ArchiveDeployment.BASE + "/studies", Map.of("Origin", PAGE_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"));
        assertEquals(204, stowPreflight.statusCode());

        // a successful retrieve exposes what viewers read
        HttpResponse<String> metadata = send("GET", instance + "/metadata",
                Map.of("Origin", PAGE_ORIGIN, "Accept", "application/dicom+json"));
        assertEquals(200, metadata.statusCode());
        assertEquals("*", header(metadata, "Access-Control-Allow-Origin"));
        assertListed(header(metadata, "Access-Control-Expose-Headers"), "Content-Type", "Content-Location", "ETag",
                "Warning", "Content-Length");

        // errors too, so that the page can read status and Warning: 404 from a resource, 404 from matching, 406
        for (var c : List.of(Map.entry(ArchiveDeployment.BASE + "/studies/1.2.3.4.5.6.7/series/1.2.3/metadata", 404),
                Map.entry(ArchiveDeployment.BASE + "/no/such/resource", 404),
                Map.entry(instance + "/frames/1", 406))) {
            HttpResponse<String> r = send("GET", c.getKey(), Map.of("Origin", PAGE_ORIGIN, "Accept",
                    c.getValue() == 406 ? "multipart/related; type=\"image/gif\"" : "application/dicom+json"));
            assertEquals(c.getValue(), r.statusCode(), c.getKey());
            assertEquals("*", header(r, "Access-Control-Allow-Origin"), c.getKey());
            assertListed(header(r, "Access-Control-Expose-Headers"), "Warning");
        }

        // without an Origin (not a browser) nothing changes
        HttpResponse<String> plain = send("GET", instance + "/metadata", Map.of("Accept", "application/dicom+json"));
        assertEquals(200, plain.statusCode());
        assertNull(header(plain, "Access-Control-Allow-Origin"));
    }

    // ---- the viewer ------------------------------------------------------------------------------------------

    /** Runs a command in {@code dir}, output to {@code log}; kills it and everything it started on timeout. */
    private static String run(Path dir, Path log, long timeoutSeconds, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail("timed out after " + timeoutSeconds + " s: " + command + "\n" + tail(log));
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // e.g. Chromium started by playwright
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), () -> command + " failed:\n" + tail(log));
        return out;
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /**
     * The viewer's npm packages (package-lock.json) installed with npm ci into target/viewer-node, reused while
     * the lock file is unchanged (the work directory is emptied for every test run, this one is not).
     */
    private static Path viewerDir() throws Exception {
        Path source = Path.of(System.getProperty("it.viewer.dir"));
        Path dir = Files.createDirectories(Path.of(System.getProperty("it.screenshot.dir")).resolve("viewer-node"));
        byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
        Path installedLock = dir.resolve("installed-package-lock.json");
        boolean installed = Files.isDirectory(dir.resolve("node_modules"))
                && Files.exists(installedLock) && java.util.Arrays.equals(lock, Files.readAllBytes(installedLock));
        for (String f : List.of("package.json", "package-lock.json", "index.html", "viewer-page.js", "viewer-check.mjs")) {
            Files.copy(source.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!installed) {
            Files.deleteIfExists(installedLock);
            run(dir, dir.resolve("npm-ci.log"), 600, List.of("npm", "ci", "--no-audit", "--no-fund"));
            Files.write(installedLock, lock);
        }
        run(dir, dir.resolve("bundle.log"), 120, List.of("npm", "run", "bundle"));
        return dir;
    }

    @Test
    void microscopyViewerShowsTissueFromAnotherOrigin() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Debian chromium is needed (apt-get install chromium; ./archive.sh test installs it)");
        ConversionResult s = storedSlide();
        Path dir = viewerDir();
        Path out = Files.createDirectories(ItEnvironment.workDir().resolve("viewer-out"));
        String output = run(dir, out.resolve("viewer-check.log"), 240, List.of("node", "viewer-check.mjs",
                ArchiveDeployment.BASE, s.studyUid(), s.seriesUid(), out.toString(), "150"));
        String line = output.lines().filter(l -> l.startsWith("VIEWER-RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result from viewer-check.mjs:\n" + output));
        JsonObject result;
        try (JsonReader reader = Json.createReader(new StringReader(line.substring("VIEWER-RESULT ".length())))) {
            result = reader.readObject();
        }
        Path target = Path.of(System.getProperty("it.screenshot.dir"));
        Files.copy(out.resolve("requests.json"), target.resolve("microscopy-viewer-requests.json"),
                StandardCopyOption.REPLACE_EXISTING);
        System.out.println("MicroscopyViewerIT: " + result);
        JsonArray stages = result.getJsonArray("stages"); // screenshots kept under target/ also when checks fail
        for (JsonObject st : stages.getValuesAs(JsonObject.class)) {
            Files.copy(Path.of(st.getString("screenshot")), target.resolve("microscopy-viewer-" + st.getString("name") + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }

        JsonObject state = result.getJsonObject("state");
        assertEquals("loaded", result.getString("outcome"), () -> "viewer did not finish loading: " + result);
        assertEquals(0, state.getInt("framesFailed"), () -> "tile loading errors: " + state);
        assertEquals(0, state.getJsonArray("loadingErrors").size(), () -> "loading errors: " + state);
        assertEquals(0, result.getJsonArray("pageErrors").size(), () -> "uncaught errors in the page: " + result);
        assertEquals(s.instances().size(), state.getInt("instances"), "series metadata: one object per instance");

        JsonObject requests = result.getJsonObject("requests");
        assertEquals(0, requests.getJsonArray("notOk").size(),
                () -> "requests to the archive that did not return 200 (or failed, e.g. CORS): " + requests.get("notOk"));
        int frames = requests.getInt("frames");
        assertTrue(frames >= 4, () -> "too few tile requests: " + requests);
        assertEquals(frames, requests.getInt("framesOk"), () -> "tile requests not 200: " + requests);
        assertTrue(state.getInt("framesEnded") >= frames, () -> "tiles requested but not finished: " + state);

        assertTrue(requests.getJsonObject("framesByStage").getInt("full-resolution") >= 4,
                () -> "too few level-0 tile requests at full resolution: " + requests);

        // both views: the whole slide (thumbnail level) and level 0 at the centre of the slide
        assertEquals(List.of("fit", "full-resolution"),
                stages.getValuesAs(JsonObject.class).stream().map(st -> st.getString("name")).toList());
        for (JsonObject st : stages.getValuesAs(JsonObject.class)) {
            Path screenshot = target.resolve("microscopy-viewer-" + st.getString("name") + ".png");
            TissueMeasure m = TissueMeasure.of(ImageIO.read(screenshot.toFile()));
            System.out.println("MicroscopyViewerIT: " + screenshot + ": " + m);
            assertTrue(m.tissueFraction() > 0.10, () -> "too little tissue on screen: " + screenshot + " " + m);
            assertTrue(m.stainFraction() > 0.30, () -> "tissue is not pink/purple (H&E): " + screenshot + " " + m);
            assertTrue(m.lumaStdDev() > 8, () -> "tissue is uniform (a flat fill, not an image): " + screenshot + " " + m);
        }
    }

    @Test
    void tissueMeasureRejectsBlankAndFlatImages() {
        BufferedImage white = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        BufferedImage pink = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                white.setRGB(x, y, 0xfafafa);
                pink.setRGB(x, y, 0xd070a0);
            }
        }
        assertEquals(0, TissueMeasure.of(white).tissueFraction());
        TissueMeasure flat = TissueMeasure.of(pink);
        assertEquals(1, flat.tissueFraction());
        assertEquals(1, flat.stainFraction());
        assertTrue(flat.lumaStdDev() < 1, flat::toString);
    }

    /**
     * What the screenshot shows: tissue pixels (neither near white background nor near black), the share of them
     * with an H&amp;E hue (eosin pink to haematoxylin purple: hue 260°–360° or 0°–20°, saturated), and the spread of
     * their luminance (a real image is textured, a uniform fill is not).
     */
    record TissueMeasure(int width, int height, double tissueFraction, double stainFraction, double lumaStdDev) {

        static TissueMeasure of(BufferedImage image) {
            long tissue = 0, stain = 0;
            double sum = 0, sumSq = 0;
            float[] hsb = new float[3];
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                    int min = Math.min(r, Math.min(g, b)), max = Math.max(r, Math.max(g, b));
                    if (min >= 215 || max < 30) continue; // background (white) or black
                    tissue++;
                    Color.RGBtoHSB(r, g, b, hsb);
                    double hue = hsb[0] * 360;
                    if (hsb[1] >= 0.10 && (hue >= 260 || hue <= 20)) stain++;
                    double luma = 0.299 * r + 0.587 * g + 0.114 * b;
                    sum += luma;
                    sumSq += luma * luma;
                }
            }
            double pixels = (double) image.getWidth() * image.getHeight();
            double mean = tissue == 0 ? 0 : sum / tissue;
            double sd = tissue == 0 ? 0 : Math.sqrt(Math.max(0, sumSq / tissue - mean * mean));
            return new TissueMeasure(image.getWidth(), image.getHeight(), tissue / pixels,
                    tissue == 0 ? 0 : (double) stain / tissue, sd);
        }
    }
}
