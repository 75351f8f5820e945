package org.wsiarchive.dicomweb;

import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.multipart.MultipartRelatedWriter;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.StoredInstance;
import org.wsiarchive.dicomweb.FrameNegotiation.FrameForm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * A GET of one frame sent as stored ({@code …/studies/{s}/series/{se}/instances/{i}/frames/{n}}) — the request tile
 * viewers make hundreds of times per screen — and its answer, decided before anything is written. Shared by the two
 * fast paths in front of JAX-RS ({@link StoredFrameFilter} in the servlet chain, {@link IoThreadFrameHandler} on
 * Undertow's I/O thread), which differ only in how they find the instance and write the body. The answer is the one
 * {@link WadoResource} gives (same negotiation, entity tag, caching and Vary); whatever is not a stored frame — frame
 * lists, decoding, renditions, unknown instances or frames, 406s, query parameters — is left to the resource.
 */
final class StoredFrame {

    private StoredFrame() {}

    record Request(String study, String series, String sop, String frameText, int frame) {}

    /** The frame's bytes: buffers to write, or null when they cannot be had the way the caller needs them. */
    @FunctionalInterface
    interface Bytes {
        ByteBuffer[] get() throws IOException, FrameNotAvailableException;
    }

    /**
     * @param notModified the client's If-None-Match names the entity tag: 304, no body
     * @param body        head (multipart), frame and tail buffers; null when not modified
     */
    record Answer(boolean notModified, String etag, String contentType, long contentLength, ByteBuffer[] body) {

        /** Every header of the answer (status 200, or 304 when {@link #notModified}). */
        void headers(BiConsumer<String, String> header) {
            header.accept("ETag", etag);
            header.accept("Cache-Control", WadoResource.IMMUTABLE);
            header.accept("Vary", "Accept"); // CORS (and Vary: Origin) come from the WAR's CORS handler
            if (!notModified) {
                header.accept("Content-Type", contentType);
                header.accept("Content-Length", Long.toString(contentLength));
            }
        }
    }

    /** The request if it is a GET of one frame by number with no query; null for anything else. */
    static Request parse(String method, String path, String query) {
        if (!"GET".equals(method) || (query != null && !query.isEmpty()) || path == null || path.indexOf('%') >= 0) {
            return null;
        }
        // "", studies, {s}, series, {se}, instances, {i}, frames, {n}: UIDs never need percent-decoding
        String[] p = path.split("/", -1);
        if (p.length != 9 || !p[0].isEmpty() || !p[1].equals("studies") || !p[3].equals("series")
                || !p[5].equals("instances") || !p[7].equals("frames") || !isFrameNumber(p[8])
                || p[2].isEmpty() || p[4].isEmpty() || p[6].isEmpty()) {
            return null;
        }
        return new Request(p[2], p[4], p[6], p[8], Integer.parseInt(p[8]));
    }

    /** The answer, or null when the resource must answer (not a frame sent as stored, or no bytes to be had). */
    static Answer answer(Request request, StoredInstance instance, FrameIndex index, String accept, String ifNoneMatch,
                         Bytes bytes) throws IOException, FrameNotAvailableException {
        if (index == null || request.frame() < 1 || request.frame() > index.frameCount()) {
            return null;
        }
        long length = index.frameLength(request.frame() - 1);
        if (length < 0 || length > WadoResource.IN_MEMORY_FRAME) {
            return null;
        }
        FrameNegotiation.Choice choice = FrameNegotiation.storedRegardlessOfDecoding(instance.transferSyntaxUid(), accept);
        if (choice == null) {
            return null;
        }
        String etag = "\"" + WadoResource.frameTag(instance, request.frameText(), FrameForm.STORED) + "\"";
        if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
            return new Answer(true, etag, null, 0, null);
        }
        ByteBuffer[] frame = bytes.get();
        if (frame == null) {
            return null;
        }
        if (!choice.multipart()) {
            return new Answer(false, etag, choice.partType(), length, frame);
        }
        String partType = choice.partType();
        MultipartRelatedWriter.SinglePart envelope = MultipartRelatedWriter.singlePart(
                partType.substring(0, partType.indexOf(';')), partType);
        ByteBuffer[] body = new ByteBuffer[frame.length + 2];
        body[0] = ByteBuffer.wrap(envelope.head());
        System.arraycopy(frame, 0, body, 1, frame.length);
        body[body.length - 1] = ByteBuffer.wrap(envelope.tail());
        return new Answer(false, etag, envelope.contentType(), envelope.length(length), body);
    }

    private static boolean isFrameNumber(String s) {
        if (s.isEmpty() || s.length() > 9) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
