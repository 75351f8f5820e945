package org.wsiarchive.http;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The CORS decisions: which origin is answered how, and what a preflight allows. */
class CorsPolicyTest {

    @Test
    void wildcardWithoutCredentialsAnswersStarAndDoesNotVary() {
        CorsPolicy p = new CorsPolicy("*", false, 7200);
        assertEquals(Optional.of("*"), p.allowOrigin("http://viewer.example:3000"));
        assertFalse(p.variesByOrigin());
        assertEquals(Optional.empty(), p.allowOrigin(null), "no Origin, no CORS headers");
    }

    @Test
    void wildcardWithCredentialsEchoesTheOrigin() {
        CorsPolicy p = new CorsPolicy("*", true, 7200);
        assertEquals(Optional.of("https://slim.example.org"), p.allowOrigin("https://slim.example.org"));
        assertTrue(p.variesByOrigin());
    }

    @Test
    void listEchoesOnlyListedOriginsCaseInsensitively() {
        CorsPolicy p = new CorsPolicy(" https://Slim.example.org/ , http://localhost:3000", false, 60);
        assertEquals(Optional.of("https://slim.example.org"), p.allowOrigin("https://slim.example.org"));
        assertEquals(Optional.of("http://localhost:3000"), p.allowOrigin("http://localhost:3000"));
        assertEquals(Optional.empty(), p.allowOrigin("http://localhost:3001"));
        assertTrue(p.variesByOrigin());
        assertTrue(p.enabled());
    }

    @Test
    void emptyListSwitchesCorsOff() {
        CorsPolicy p = new CorsPolicy("", false, 60);
        assertFalse(p.enabled());
        assertEquals(Optional.empty(), p.allowOrigin("http://localhost:3000"));
    }

    @Test
    void preflightAllowsAuthorizationAcceptContentTypeAndWhatWasRequested() {
        CorsPolicy p = new CorsPolicy("*", false, 60);
        assertEquals("Authorization, Accept, Content-Type", p.allowHeaders(null));
        assertEquals("Authorization, Accept, Content-Type, x-request-id",
                p.allowHeaders("authorization, x-request-id, accept"));
        assertEquals("Authorization, Accept, Content-Type", p.allowHeaders("bad header\r\nx: y"),
                "malformed names are not echoed");
    }
}
