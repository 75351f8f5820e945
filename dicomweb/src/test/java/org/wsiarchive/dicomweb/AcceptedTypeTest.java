package org.wsiarchive.dicomweb;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Accept headers as real viewers send them (dicomweb-client, OHIF, dicom-microscopy-viewer). */
class AcceptedTypeTest {

    @Test
    void multipartWithQuotedTypeAndTransferSyntax() {
        List<AcceptedType> a = AcceptedType.parse(
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        assertEquals(1, a.size());
        assertTrue(a.get(0).multipart());
        assertEquals("application/octet-stream", a.get(0).bodyType());
        assertTrue(a.get(0).acceptsTransferSyntax("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.1"));
    }

    @Test
    void listIsOrderedByQualityAndCommasInsideQuotesDoNotSplit() {
        List<AcceptedType> a = AcceptedType.parse("multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50;q=0.5,"
                + " multipart/related; type=\"image/jp2\"; transfer-syntax=\"1.2.840.10008.1.2.4.90\", */*;q=0.1");
        assertEquals(List.of("image/jp2", "image/jpeg", "*/*"), a.stream().map(AcceptedType::bodyType).toList());
        assertEquals("1.2.840.10008.1.2.4.90", a.get(0).transferSyntax());
        assertTrue(a.get(2).accepts("image/jpeg"));
    }

    @Test
    void withoutTransferSyntaxOnlyTheDefaultIsAccepted() {
        AcceptedType t = AcceptedType.parse("multipart/related; type=\"application/dicom\"").get(0);
        assertTrue(t.acceptsTransferSyntax("1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1"));
        assertFalse(t.acceptsTransferSyntax("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.1"));
    }

    @Test
    void zeroQualityAndEmptyHeadersAreIgnored() {
        assertTrue(AcceptedType.parse(null).isEmpty());
        assertTrue(AcceptedType.parse("image/png;q=0").isEmpty());
        assertTrue(AcceptedType.parse("image/*").get(0).accepts("image/jls"));
        assertFalse(AcceptedType.parse("image/*").get(0).accepts("application/octet-stream"));
    }
}
