package org.wsiarchive.dicomweb;

import java.util.Map;

/** The media type of a frame or bulk data in each stored transfer syntax (PS3.18 Table 8.7.3-2 / 8.7.4-1). */
final class TransferSyntaxes {

    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    static final String OCTET_STREAM = "application/octet-stream";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String IMAGE_JPEG = "image/jpeg";

    private static final Map<String, String> COMPRESSED = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.4.50", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.51", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.57", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.70", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.80", "image/jls"),
            Map.entry("1.2.840.10008.1.2.4.81", "image/jls"),
            Map.entry("1.2.840.10008.1.2.4.90", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.91", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.201", "image/jphc"),
            Map.entry("1.2.840.10008.1.2.4.202", "image/jphc"),
            Map.entry("1.2.840.10008.1.2.4.203", "image/jphc"),
            Map.entry("1.2.840.10008.1.2.5", "image/dicom-rle"));

    private TransferSyntaxes() {}

    /** The natural media type of one frame stored in {@code tsuid}. */
    static String frameMediaType(String tsuid) {
        return COMPRESSED.getOrDefault(tsuid, OCTET_STREAM);
    }

    static boolean isNative(String tsuid) {
        return !COMPRESSED.containsKey(tsuid);
    }

    /** Whether a transfer syntax name asks for uncompressed pixels: absent (the default) or Explicit VR Little Endian. */
    static boolean meansUncompressed(String requested) {
        return requested == null || requested.equals(EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /**
     * The transfer syntax a frame is served in: native frames are sent as Explicit VR Little Endian pixel bytes
     * (identical for implicit and explicit little endian); compressed ones as stored.
     */
    static String servedTransferSyntax(String storedTsuid) {
        if (storedTsuid.equals(IMPLICIT_VR_LITTLE_ENDIAN) || storedTsuid.equals(EXPLICIT_VR_LITTLE_ENDIAN)) {
            return EXPLICIT_VR_LITTLE_ENDIAN;
        }
        return storedTsuid;
    }
}
