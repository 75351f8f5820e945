package org.wsiarchive.dicomweb;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class VaryHeaderFilterTest {

    @Test
    void compressedTypesAreTheTextRepresentations() {
        for (String t : new String[]{"application/dicom+json", "application/json", "application/vnd.sun.wadl+xml",
                "multipart/related;type=\"application/dicom+xml\";boundary=x"}) {
            assertTrue(VaryHeaderFilter.COMPRESSED.matcher(t).matches(), t);
        }
        for (String t : new String[]{"multipart/related;type=\"application/octet-stream\";boundary=x", "image/jpeg",
                "multipart/related;type=\"application/dicom\";boundary=x", "application/dicom"}) {
            assertFalse(VaryHeaderFilter.COMPRESSED.matcher(t).matches(), t);
        }
    }
}
