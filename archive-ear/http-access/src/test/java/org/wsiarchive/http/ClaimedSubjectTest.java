package org.wsiarchive.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** What a refused token claims, for the audit: preferred_username, else sub; nothing from what is not a JWT. */
class ClaimedSubjectTest {

    private static String bearer(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void preferredUsernameBeforeSub() {
        assertEquals(Optional.of("alice"), ClaimedSubject.of(bearer("{\"sub\":\"1234\",\"preferred_username\":\"alice\"}")));
        assertEquals(Optional.of("1234"), ClaimedSubject.of(bearer("{\"sub\":\"1234\"}")));
        assertEquals(Optional.of("1234"), ClaimedSubject.of(bearer("{\"sub\":\"1234\",\"preferred_username\":\" \"}")));
    }

    @Test
    void nothingFromNonTokens() {
        assertEquals(Optional.empty(), ClaimedSubject.of(null));
        assertEquals(Optional.empty(), ClaimedSubject.of("Basic YWxpY2U6cHc="));
        assertEquals(Optional.empty(), ClaimedSubject.of("Bearer not-a-jwt"));
        assertEquals(Optional.empty(), ClaimedSubject.of("Bearer a.%%%.c"));
        assertEquals(Optional.empty(), ClaimedSubject.of(bearer("[1,2]")));
        assertEquals(Optional.empty(), ClaimedSubject.of(bearer("{\"sub\":42}")));
    }

    @Test
    void longClaimsAreCut() {
        String claimed = ClaimedSubject.of(bearer("{\"sub\":\"" + "x".repeat(1000) + "\"}")).orElseThrow();
        assertEquals(ClaimedSubject.MAX_LENGTH, claimed.length());
    }
}
