package org.wsiarchive.http;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Whom a refused bearer token claims to be, for the audit trail of failed authentications. The token was NOT
 * verified (that is why it was refused): the name is only what its payload says, recorded to help an administrator
 * see who tried — never used for any decision.
 */
final class ClaimedSubject {

    /** Longer claims are cut: the value comes from an unauthenticated client. */
    static final int MAX_LENGTH = 128;

    private ClaimedSubject() {}

    /** preferred_username, else sub, of the JWT in an {@code Authorization: Bearer} header; empty if none readable. */
    static Optional<String> of(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String[] parts = authorization.substring(7).trim().split("\\.");
        if (parts.length != 3) return Optional.empty();
        try (JsonReader reader = Json.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)))) {
            JsonValue payload = reader.readValue();
            if (payload.getValueType() != JsonValue.ValueType.OBJECT) return Optional.empty();
            return claim(payload.asJsonObject(), "preferred_username").or(() -> claim(payload.asJsonObject(), "sub"));
        } catch (RuntimeException e) {
            return Optional.empty(); // not base64url, not JSON: nothing claimed
        }
    }

    private static Optional<String> claim(JsonObject payload, String name) {
        JsonValue v = payload.get(name);
        if (!(v instanceof JsonString s) || s.getString().isBlank()) return Optional.empty();
        String value = s.getString().strip();
        return Optional.of(value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value);
    }
}
