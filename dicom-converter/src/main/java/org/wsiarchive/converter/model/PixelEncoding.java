package org.wsiarchive.converter.model;

/** How the frames of an image are encoded, with the DICOM transfer syntax they are stored under (no re-encoding). */
public enum PixelEncoding {
    /** Complete baseline JPEG per frame (ISO 10918-1, process 1). */
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", "ISO_10918_1", true),
    /** JPEG 2000 codestream per frame, possibly lossy. */
    JPEG_2000("1.2.840.10008.1.2.4.91", "ISO_15444_1", true),
    /** Uncompressed, interleaved 8-bit samples (Explicit VR Little Endian). */
    NATIVE("1.2.840.10008.1.2.1", null, false);

    private final String transferSyntaxUid;
    private final String lossyMethod;
    private final boolean encapsulated;

    PixelEncoding(String transferSyntaxUid, String lossyMethod, boolean encapsulated) {
        this.transferSyntaxUid = transferSyntaxUid;
        this.lossyMethod = lossyMethod;
        this.encapsulated = encapsulated;
    }

    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }

    /** Value for LossyImageCompressionMethod (0028,2114), null for native. */
    public String lossyMethod() {
        return lossyMethod;
    }

    public boolean encapsulated() {
        return encapsulated;
    }
}
