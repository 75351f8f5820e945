package org.wsiarchive.ingest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class UploadNamesTest {

    @Test
    void queryParameterWinsOverContentDisposition() {
        assertEquals("a.svs", UploadNames.fileName("a.svs", "attachment; filename=\"b.svs\""));
        assertEquals("b.svs", UploadNames.fileName(null, "attachment; filename=\"b.svs\""));
        assertEquals("b c.ndpi", UploadNames.fileName("", "attachment; filename=b c.ndpi"));
    }

    @Test
    void extendedFilenameIsDecoded() {
        assertEquals("Schnitt ä.svs",
                UploadNames.fromContentDisposition("attachment; filename=\"x.svs\"; filename*=UTF-8''Schnitt%20%C3%A4.svs"));
    }

    @Test
    void onlyTheLastPathSegmentIsUsed() {
        assertEquals("slide.svs", UploadNames.sanitize("../../etc/slide.svs"));
        assertEquals("slide.svs", UploadNames.sanitize("C:\\scans\\slide.svs"));
    }

    @Test
    void unusableNamesAreRefused() {
        assertNull(UploadNames.sanitize(null));
        assertNull(UploadNames.sanitize(""));
        assertNull(UploadNames.sanitize(".."));
        assertNull(UploadNames.sanitize("dir/"));
        assertNull(UploadNames.sanitize(".hidden.svs"));
        assertNull(UploadNames.sanitize("a\nb.svs"));
        assertNull(UploadNames.sanitize("x".repeat(201)));
    }

    @Test
    void watchFolderIgnoresFilesStillBeingWritten() {
        assertTrue(WatchFolder.ignored(".slide.svs"));
        assertTrue(WatchFolder.ignored("slide.svs.part"));
        assertTrue(WatchFolder.ignored("slide.svs.TMP"));
        assertFalse(WatchFolder.ignored("slide.svs"));
    }
}
