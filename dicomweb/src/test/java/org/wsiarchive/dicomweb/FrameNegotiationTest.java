package org.wsiarchive.dicomweb;

import org.junit.jupiter.api.Test;
import org.wsiarchive.dicomweb.FrameNegotiation.Choice;
import org.wsiarchive.dicomweb.FrameNegotiation.FrameForm;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FrameNegotiationTest {

    private static final String JPEG = "1.2.840.10008.1.2.4.50";
    private static final String J2K = "1.2.840.10008.1.2.4.90";
    private static final String EXPLICIT = "1.2.840.10008.1.2.1";
    private static final String IMPLICIT = "1.2.840.10008.1.2";

    /** What viewers and clients send (dicomweb-client, OHIF, dmv, curl) and a few that must not match. */
    private static final List<String> ACCEPTS = List.of(
            "",
            "*/*",
            "image/jpeg",
            "image/jp2",
            "image/*",
            "application/octet-stream",
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*",
            "multipart/related; type=\"application/octet-stream\"",
            "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50",
            "multipart/related; type=\"image/jp2\"; transfer-syntax=1.2.840.10008.1.2.4.90",
            "multipart/related; type=\"image/jpeg\", multipart/related; type=\"application/octet-stream\"; transfer-syntax=*",
            "image/jpeg, */*;q=0.5",
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1",
            "text/html",
            "application/dicom");

    @Test
    void viewersGetStoredTilesAsTheyAsk() {
        Choice c = FrameNegotiation.negotiate(JPEG,
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*", 1, null);
        assertEquals(new Choice("application/octet-stream; transfer-syntax=" + JPEG, FrameForm.STORED, true), c);
        assertEquals(new Choice("image/jpeg; transfer-syntax=" + JPEG, FrameForm.STORED, false),
                FrameNegotiation.negotiate(JPEG, "image/jpeg", 1, null));
        // the DICOMweb default (no Accept): multipart octet-stream in Explicit VR LE, i.e. decoded
        assertEquals(FrameForm.DECODED, FrameNegotiation.negotiate(JPEG, null, 1, null).form());
        assertNull(FrameNegotiation.negotiate(JPEG, null, 1, "no decoder"));
        // a JPEG rendition of JPEG 2000 tiles for browsers
        assertEquals(FrameForm.JPEG, FrameNegotiation.negotiate(J2K, "image/jpeg", 1, null).form());
        // several frames need multipart
        assertNull(FrameNegotiation.negotiate(JPEG, "image/jpeg", 2, null));
        assertNull(FrameNegotiation.negotiate(JPEG, "text/html", 1, null));
    }

    @Test
    void nativeFramesAreServedAsExplicitLittleEndian() {
        Choice c = FrameNegotiation.negotiate(IMPLICIT, "multipart/related; type=\"application/octet-stream\"", 3, null);
        assertEquals(new Choice("application/octet-stream; transfer-syntax=" + EXPLICIT, FrameForm.STORED, true), c);
    }

    /**
     * The fast path answers without knowing whether the server could decode the frames: that is only right if its
     * choice is the one the resource makes whatever the decoder says. Checked over every Accept and syntax here.
     */
    @Test
    void storedRegardlessOfDecodingAgreesWithFullNegotiation() {
        int stored = 0;
        for (String ts : List.of(JPEG, J2K, EXPLICIT, IMPLICIT, "1.2.840.10008.1.2.5")) {
            for (String accept : ACCEPTS) {
                Choice fast = FrameNegotiation.storedRegardlessOfDecoding(ts, accept);
                if (fast == null) continue;
                stored++;
                assertEquals(fast, FrameNegotiation.negotiate(ts, accept, 1, null), ts + " / " + accept);
                assertEquals(fast, FrameNegotiation.negotiate(ts, accept, 1, "cannot decode"), ts + " / " + accept);
            }
        }
        assertTrue(stored > 20, "most viewer requests take the fast path: " + stored);
        // and where decoding changes the answer, the fast path stays out
        assertNull(FrameNegotiation.storedRegardlessOfDecoding(J2K, "image/jpeg, */*;q=0.5"));
        assertNotNull(FrameNegotiation.negotiate(J2K, "image/jpeg, */*;q=0.5", 1, "cannot decode"));
    }
}
