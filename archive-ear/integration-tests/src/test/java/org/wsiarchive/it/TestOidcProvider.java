package org.wsiarchive.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OpenID Connect provider for the tests, on loopback: the discovery document and a JWKS with one RSA key
 * generated here, and RS256 access tokens signed with it (or, to test refusals, with a key the JWKS does not hold).
 * The archive (WildFly's elytron-oidc-client) discovers it and checks the tokens exactly as with a real provider.
 */
final class TestOidcProvider implements AutoCloseable {

    static final String KEY_ID = "archive-it-key";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final KeyPair key;
    /** a key of the same kind and id that the JWKS does not publish: its signatures must not verify */
    private final KeyPair forger;
    private final AtomicInteger jwksRequests = new AtomicInteger();

    TestOidcProvider() throws IOException, GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key = g.generateKeyPair();
        forger = g.generateKeyPair();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> send(ex, discovery()));
        server.createContext("/jwks", ex -> {
            jwksRequests.incrementAndGet();
            send(ex, jwks());
        });
        server.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int jwksRequests() {
        return jwksRequests.get();
    }

    /** What a token says about its holder and its validity; each test varies one thing. */
    record Claims(String issuer, String subject, String preferredUsername, String audience, Instant expires,
                  List<String> realmRoles, List<String> roles) {

        Claims withIssuer(String i) {
            return new Claims(i, subject, preferredUsername, audience, expires, realmRoles, roles);
        }

        Claims withAudience(String a) {
            return new Claims(issuer, subject, preferredUsername, a, expires, realmRoles, roles);
        }

        Claims withExpiry(Instant e) {
            return new Claims(issuer, subject, preferredUsername, audience, e, realmRoles, roles);
        }
    }

    /** A user's claims valid for 5 minutes for {@code audience}: Keycloak-style realm roles and the standard roles claim. */
    Claims user(String name, String audience, List<String> realmRoles, List<String> roles) {
        return new Claims(issuer(), "id-" + name, name, audience, Instant.now().plus(Duration.ofMinutes(5)), realmRoles, roles);
    }

    String token(Claims c) throws GeneralSecurityException {
        return sign(c, key.getPrivate());
    }

    /** Signed by a key the provider never published, under the provider's key id. */
    String forgedToken(Claims c) throws GeneralSecurityException {
        return sign(c, forger.getPrivate());
    }

    private static String sign(Claims c, PrivateKey signingKey) throws GeneralSecurityException {
        JsonObjectBuilder payload = Json.createObjectBuilder()
                .add("iss", c.issuer()).add("sub", c.subject()).add("preferred_username", c.preferredUsername())
                .add("aud", c.audience()).add("typ", "Bearer").add("azp", "slim")
                .add("iat", Instant.now().getEpochSecond() - 60).add("exp", c.expires().getEpochSecond());
        if (!c.realmRoles().isEmpty()) {
            payload.add("realm_access", Json.createObjectBuilder().add("roles", Json.createArrayBuilder(c.realmRoles())));
        }
        if (!c.roles().isEmpty()) payload.add("roles", Json.createArrayBuilder(c.roles()));
        String header = Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").add("kid", KEY_ID).build().toString();
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(payload.build().toString().getBytes(StandardCharsets.UTF_8));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(signingKey);
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64(rs256.sign());
    }

    private JsonObject discovery() {
        String i = issuer();
        return Json.createObjectBuilder()
                .add("issuer", i)
                .add("jwks_uri", i + "/jwks")
                .add("authorization_endpoint", i + "/auth")
                .add("token_endpoint", i + "/token")
                .add("response_types_supported", Json.createArrayBuilder().add("code"))
                .add("subject_types_supported", Json.createArrayBuilder().add("public"))
                .add("id_token_signing_alg_values_supported", Json.createArrayBuilder().add("RS256"))
                .build();
    }

    private JsonObject jwks() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        JsonArrayBuilder keys = Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("kty", "RSA").add("kid", KEY_ID).add("use", "sig").add("alg", "RS256")
                .add("n", b64(unsigned(pub.getModulus()))).add("e", b64(unsigned(pub.getPublicExponent()))));
        return Json.createObjectBuilder().add("keys", keys).build();
    }

    /** JWK integers are unsigned big-endian: BigInteger's sign byte goes. */
    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static String b64(byte[] b) {
        return B64URL.encodeToString(b);
    }

    private static void send(HttpExchange ex, JsonObject body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
