package org.wsiarchive.dicomweb;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class StoredFrameTest {

    @Test
    void onlyAGetOfOneFrameByNumberIsAStoredFrameRequest() {
        StoredFrame.Request r = StoredFrame.parse("GET", "/studies/1.2/series/1.3/instances/1.4/frames/17", null);
        assertEquals(new StoredFrame.Request("1.2", "1.3", "1.4", "17", 17), r);
        assertEquals(r, StoredFrame.parse("GET", "/studies/1.2/series/1.3/instances/1.4/frames/17", ""));
        for (String path : new String[] {
                "/studies/1.2/series/1.3/instances/1.4/frames/1,2",      // a list: multipart of several frames
                "/studies/1.2/series/1.3/instances/1.4/frames/0x1",
                "/studies/1.2/series/1.3/instances/1.4/frames/",
                "/studies/1.2/series/1.3/instances/1.4/frames/1/rendered",
                "/studies/1.2/series/1.3/instances/1.4",
                "/studies/1.2/series//instances/1.4/frames/1",
                "/studies/1%2E2/series/1.3/instances/1.4/frames/1",     // percent-encoded: left to JAX-RS
                "/studies/1.2/series/1.3/instances/1.4/frames/1234567890", // beyond int
                "studies/1.2/series/1.3/instances/1.4/frames/1"}) {
            assertNull(StoredFrame.parse("GET", path, null), path);
        }
        assertNull(StoredFrame.parse("HEAD", "/studies/1.2/series/1.3/instances/1.4/frames/1", null));
        assertNull(StoredFrame.parse("GET", "/studies/1.2/series/1.3/instances/1.4/frames/1", "quality=80"));
    }
}
