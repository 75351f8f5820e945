package org.wsiarchive.dicomweb;

import java.util.List;

/**
 * Which representation of frames an Accept header gets (PS3.18 8.7.3): the stored bitstream, pixels decoded on the
 * server, or a baseline JPEG rendition; in a multipart body or as a single part. One implementation for the
 * JAX-RS resource and the fast path of single stored frames ({@link StoredFrameFilter}).
 */
final class FrameNegotiation {

    /** How frames are sent: as stored, decoded to native pixels, or re-encoded as baseline JPEG. */
    enum FrameForm { STORED, DECODED, JPEG }

    /**
     * @param partType  Content-Type of each frame (of the body when not multipart), with its transfer-syntax
     * @param form      what is sent
     * @param multipart whether the frames are wrapped in multipart/related
     */
    record Choice(String partType, FrameForm form, boolean multipart) {}

    private FrameNegotiation() {}

    /**
     * The first acceptable representation, in the client's order of preference, or null when none is.
     *
     * @param storedTsuid     the instance's transfer syntax
     * @param accept          the Accept header (null or blank: multipart octet-stream, the DICOMweb default)
     * @param frameCount      how many frames were asked for (several frames need multipart)
     * @param whyNotDecodable null when the server can decode the frames, else the reason it cannot
     */
    static Choice negotiate(String storedTsuid, String accept, int frameCount, String whyNotDecodable) {
        String served = TransferSyntaxes.servedTransferSyntax(storedTsuid);
        String natural = TransferSyntaxes.frameMediaType(storedTsuid);
        boolean isNative = TransferSyntaxes.isNative(storedTsuid);
        List<AcceptedType> accepted = AcceptedType.parse(accept);
        if (accepted.isEmpty()) {
            accepted = List.of(new AcceptedType("multipart/related", TransferSyntaxes.OCTET_STREAM, null, 1));
        }
        for (AcceptedType a : accepted) {
            if (!a.multipart() && frameCount != 1) continue;
            String body = a.bodyType();
            String requested = a.transferSyntax();
            String partType = null;
            FrameForm form = FrameForm.STORED;
            if (body.equals(TransferSyntaxes.OCTET_STREAM)) {
                if (isNative && a.acceptsTransferSyntax(served, served)) {
                    partType = TransferSyntaxes.OCTET_STREAM + "; transfer-syntax=" + served;
                } else if (!isNative && ("*".equals(requested) || storedTsuid.equals(requested))) {
                    partType = TransferSyntaxes.OCTET_STREAM + "; transfer-syntax=" + served;
                } else if (!isNative && whyNotDecodable == null && TransferSyntaxes.meansUncompressed(requested)) {
                    // the client asked for pixels: decode on the server (PS3.18 8.7.3.5.2 default syntax)
                    partType = TransferSyntaxes.OCTET_STREAM + "; transfer-syntax=" + TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
                    form = FrameForm.DECODED;
                }
            } else if (body.equals("*/*") || body.equals("image/*") && natural.startsWith("image/")) {
                if (requested == null || a.acceptsTransferSyntax(served, null)) {
                    partType = natural + "; transfer-syntax=" + served;
                }
            } else if (body.equals(natural) && !natural.equals(TransferSyntaxes.OCTET_STREAM)) {
                if (requested == null || a.acceptsTransferSyntax(served, null)) {
                    partType = natural + "; transfer-syntax=" + served;
                }
            } else if (body.equals(TransferSyntaxes.IMAGE_JPEG) && whyNotDecodable == null
                    && (requested == null || requested.equals(TransferSyntaxes.JPEG_BASELINE))) {
                // a JPEG rendition of a frame stored in a syntax browsers cannot decode (JPEG 2000, RLE, native)
                partType = TransferSyntaxes.IMAGE_JPEG + "; transfer-syntax=" + TransferSyntaxes.JPEG_BASELINE;
                form = FrameForm.JPEG;
            }
            if (partType != null) {
                return new Choice(partType, form, a.multipart());
            }
        }
        return null;
    }

    /**
     * Whether the stored frames are the answer whatever the server could decode: true when negotiating as if it
     * could decode still picks the stored form (decoding only ever adds choices, so an earlier preference cannot
     * have matched), which lets the fast path answer without looking at the stored codec.
     */
    static Choice storedRegardlessOfDecoding(String storedTsuid, String accept) {
        Choice c = negotiate(storedTsuid, accept, 1, null);
        return c != null && c.form() == FrameForm.STORED ? c : null;
    }
}
