package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bearer-token security on the real stack: the launcher started with ARCHIVE_OIDC_* pointing at an OIDC provider
 * inside this test ({@link TestOidcProvider}: discovery document, JWKS, RS256 tokens it signs). WildFly's
 * elytron-oidc-client validates the tokens; the archive's constraints require a read role for GET and a write role
 * for everything else, on /dicom-web and /api alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

    private static final int PORT_OFFSET = ArchiveDeployment.PORT_OFFSET + 100;
    private static final String ROOT = "http://localhost:" + (8080 + PORT_OFFSET);
    private static final String DICOMWEB = ROOT + "/dicom-web";
    private static final String API = ROOT + "/api";
    private static final String VIEWER = "http://viewer.test:3000";
    private static final String CLIENT_ID = "wsi-archive";
    private static final String READ = "archive-read";
    private static final String WRITE = "archive-write";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestOidcProvider provider;
    private LaunchedArchive archive;
    private int dbPort;
    private String study;
    private String instancePath;
    private byte[] frame1;
    /** alice: realm roles read and write (Keycloak style) */
    private String alice;

    @BeforeAll
    void start() throws Exception {
        provider = new TestOidcProvider();
        dbPort = ItEnvironment.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ARCHIVE_OIDC_ISSUER", provider.issuer());
        env.put("ARCHIVE_OIDC_CLIENT_ID", CLIENT_ID);
        env.put("ARCHIVE_OIDC_VERIFY_AUDIENCE", "true");
        env.put("ARCHIVE_OIDC_READ_ROLE", READ);
        env.put("ARCHIVE_OIDC_WRITE_ROLE", WRITE);
        env.put("ARCHIVE_JAVA_OPTS", "-Xmx768m -Darchive.cors.allowed-origins=" + VIEWER);
        archive = LaunchedArchive.start(ItEnvironment.workDir().resolve("security-data"), PORT_OFFSET, dbPort, 300, env);
        assertTrue(archive.readyLine().contains(DICOMWEB), archive.readyLine());

        alice = provider.token(provider.user("alice", CLIENT_ID, List.of(READ, WRITE), List.of()));
        Path file = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"));
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(file.toFile());
        study = Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID);
        instancePath = TestObjects.instancePath(list);
        frame1 = ((OtherByteAttributeMultipleCompressedFrames) list.get(TagFromName.PixelData)).getByteValuesForSelectedFrame(0);
        HttpResponse<byte[]> stored = stow(alice, Files.readAllBytes(file));
        assertEquals(200, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (archive != null) assertTrue(archive.stop(90), "launcher stopped");
        } finally {
            if (archive != null) archive.close();
            if (provider != null) provider.close();
        }
    }

    /** One request of each interface, as a viewer or an uploader sends it. */
    private List<Call> everyInterface() {
        return List.of(
                new Call("GET", DICOMWEB + "/studies?StudyInstanceUID=" + study, "application/dicom+json"),
                new Call("GET", DICOMWEB + instancePath + "/metadata", "application/dicom+json"),
                new Call("GET", DICOMWEB + instancePath + "/frames/1", "image/jpeg"),
                new Call("GET", DICOMWEB + "/", null), // capabilities (WADL): not public either
                new Call("POST", DICOMWEB + "/studies", null),
                new Call("GET", API + "/conversion-jobs/1", "application/json"),
                new Call("POST", API + "/slides?filename=x.svs", null));
    }

    record Call(String method, String url, String accept) {}

    @Test
    void withoutATokenEveryInterfaceAnswers401WithABearerChallengeAViewerCanRead() throws Exception {
        for (Call c : everyInterface()) {
            HttpResponse<byte[]> r = send(c, null);
            assertEquals(401, r.statusCode(), c.toString());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), c + " " + r.headers().map());
            assertCors(r, c.toString());
        }
        assertTrue(audited("USER_AUTHENTICATION", "FAILURE", "anonymous", "no bearer token"), "anonymous refusal audited");
    }

    @Test
    void invalidTokensAre401() throws Exception {
        TestOidcProvider.Claims mallory = provider.user("mallory", CLIENT_ID, List.of(READ, WRITE), List.of());
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("expired", provider.token(mallory.withExpiry(Instant.now().minusSeconds(600))));
        refused.put("wrong issuer", provider.token(mallory.withIssuer("http://127.0.0.1:1/other-realm")));
        refused.put("bad signature", provider.forgedToken(mallory));
        refused.put("other audience", provider.token(mallory.withAudience("another-client")));
        refused.put("not a JWT", "not-a-token");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            for (Call c : everyInterface()) {
                HttpResponse<byte[]> r = send(c, e.getValue());
                assertEquals(401, r.statusCode(), e.getKey() + ": " + c);
                String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
                assertTrue(challenge.startsWith("Bearer") && challenge.contains("invalid_token"), e.getKey() + ": " + challenge);
                assertCors(r, e.getKey() + ": " + c);
            }
        }
        assertTrue(audited("USER_AUTHENTICATION", "FAILURE", "mallory", "token refused"),
                "refusals audited with the subject the token claims");
        assertTrue(provider.jwksRequests() >= 1, "the archive verified signatures with the provider's JWKS");
    }

    @Test
    void aValidTokenWithoutTheRoleIs403NeverFewerResults() throws Exception {
        // bob: read role only, in the standard "roles" claim
        String bob = provider.token(provider.user("bob", CLIENT_ID, List.of(), List.of(READ)));
        HttpResponse<byte[]> read = send(everyInterface().get(0), bob);
        assertEquals(200, read.statusCode(), "bob may read");
        assertEquals(1, DicomWebClient.jsonArray(read.body()).size());
        HttpResponse<byte[]> stowed = stow(bob, new byte[] {1, 2, 3});
        assertEquals(403, stowed.statusCode(), "bob may not store");
        assertCors(stowed, "403 of STOW");
        assertEquals(403, send(new Call("POST", API + "/slides?filename=x.svs", null), bob).statusCode(), "nor upload");

        // carol: a valid token, no role at all
        String carol = provider.token(provider.user("carol", CLIENT_ID, List.of("other"), List.of()));
        for (Call c : everyInterface()) {
            HttpResponse<byte[]> r = send(c, carol);
            assertEquals(403, r.statusCode(), c.toString());
            assertCors(r, c.toString());
        }
        assertTrue(audited("ACCESS_DENIED", "FAILURE", "bob", "POST /dicom-web/studies"), "bob's refused STOW audited");
        assertTrue(audited("ACCESS_DENIED", "FAILURE", "carol", "GET /api/conversion-jobs/1"), "carol's refused read audited");
    }

    @Test
    void aValidTokenWithTheRolesIsServedAndTheAuditNamesTheUser() throws Exception {
        HttpResponse<byte[]> found = send(everyInterface().get(0), alice);
        assertEquals(200, found.statusCode());
        assertEquals(1, DicomWebClient.jsonArray(found.body()).size());
        assertCors(found, "200 of QIDO");
        assertEquals(200, send(everyInterface().get(1), alice).statusCode(), "metadata");
        HttpResponse<byte[]> frame = send(everyInterface().get(2), alice);
        assertEquals(200, frame.statusCode(), "frame");
        assertArrayEquals(frame1, frame.body(), "frame 1 byte for byte");
        assertEquals(200, send(everyInterface().get(3), alice).statusCode(), "capabilities");
        HttpResponse<byte[]> job = send(everyInterface().get(5), alice);
        assertEquals(404, job.statusCode(), "past security, the ingest API itself answers: no such job");

        assertTrue(audited("STORE", "SUCCESS", "alice", null), "the STOW of alice is audited under her name");
        assertTrue(audited("QUERY", "SUCCESS", "alice", null), "her query too");
    }

    @Test
    void preflightNeedsNoToken() throws Exception {
        for (String url : List.of(DICOMWEB + "/studies", DICOMWEB + instancePath + "/frames/1", API + "/slides")) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", VIEWER).header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization, accept").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(204, r.statusCode(), url);
            assertEquals(VIEWER, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), url);
            assertTrue(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"), url);
            assertTrue(r.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"), url);
        }
        HttpResponse<byte[]> foreign = http.send(HttpRequest.newBuilder(URI.create(DICOMWEB + "/studies"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://elsewhere.test").header("Access-Control-Request-Method", "GET").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(403, foreign.statusCode(), "an origin not allowed gets no preflight approval");
        assertTrue(foreign.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    private static void assertCors(HttpResponse<?> r, String what) {
        assertEquals(VIEWER, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), what + " " + r.headers().map());
        assertTrue(r.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("WWW-Authenticate"), what);
    }

    private HttpResponse<byte[]> send(Call c, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.url())).header("Origin", VIEWER);
        if (c.accept() != null) b.header("Accept", c.accept());
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (c.method().equals("POST")) {
            // a small body: refused requests are refused before it is read
            b.header("Content-Type", c.url().contains("/slides") ? "application/octet-stream"
                    : "multipart/related; type=\"application/dicom\"; boundary=x");
            b.POST(HttpRequest.BodyPublishers.ofByteArray("--x--\r\n".getBytes(StandardCharsets.US_ASCII)));
        } else {
            b.method(c.method(), HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> stow(String token, byte[] part10) throws Exception {
        String boundary = "b-" + UUID.randomUUID();
        byte[] body = DicomWebClient.multipart(boundary, List.of(new DicomWebClient.Part("application/dicom", part10)), true);
        return http.send(HttpRequest.newBuilder(URI.create(DICOMWEB + "/studies")).header("Origin", VIEWER)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Whether the launched archive's audit trail has such an event ({@code detailPart}: a substring, or any). */
    private boolean audited(String action, String outcome, String user, String detailPart) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + dbPort + "/archive", "archive", "archive");
             PreparedStatement s = c.prepareStatement("select count(*) from audit_event where action = ? and outcome = ?"
                     + " and user_id = ? and coalesce(detail, '') like ?")) {
            s.setString(1, action);
            s.setString(2, outcome);
            s.setString(3, user);
            s.setString(4, detailPart == null ? "%" : "%" + detailPart + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }
}
