package org.wsiarchive.dicomweb;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.multipart.MultipartRelatedWriter;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;
import org.wsiarchive.dicomweb.FrameNegotiation.FrameForm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The hot path of tile viewers: {@code GET …/studies/{s}/series/{se}/instances/{i}/frames/{n}} of one frame that is
 * sent as stored, answered here in front of JAX-RS. A viewer asks for one tile per request, hundreds per screen;
 * the frames benchmark showed most of the time of such a request in the JAX-RS machinery (resource matching,
 * providers, return-value validation, response filters), not in the archive. Same answer as {@link WadoResource}
 * (negotiation by {@link FrameNegotiation}, entity tag, caching and Vary headers, audit); everything else —
 * frame lists, decoding, renditions, query parameters, unknown instances and frames, 406s — goes on to the
 * resource. A filter, not an Undertow handler, so that container security (which runs before filters) applies.
 */
@WebFilter(urlPatterns = "/studies/*", asyncSupported = true)
public class StoredFrameFilter extends HttpFilter {

    @Inject
    RetrieveService retrieve;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!serveStoredFrame(request, response)) {
            chain.doFilter(request, response);
        }
    }

    /** Answers a single stored frame; false (nothing written) when the request is not one. */
    private boolean serveStoredFrame(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod()) || request.getQueryString() != null) {
            return false;
        }
        String uri = request.getRequestURI();
        String path = uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        // "", studies, {s}, series, {se}, instances, {i}, frames, {n}: UIDs never need percent-decoding
        String[] p = path.split("/", -1);
        if (p.length != 9 || !p[1].equals("studies") || !p[3].equals("series") || !p[5].equals("instances")
                || !p[7].equals("frames") || path.indexOf('%') >= 0 || !isFrameNumber(p[8])) {
            return false;
        }
        List<StoredInstance> found = retrieve.find(p[2], p[4], p[6]);
        if (found.size() != 1) {
            return false;
        }
        StoredInstance instance = found.get(0);
        FrameIndex index = retrieve.frameIndex(instance);
        int frame = Integer.parseInt(p[8]);
        if (index == null || frame > index.frameCount() || frame < 1) {
            return false;
        }
        long length = index.frameLength(frame - 1);
        if (length < 0 || length > WadoResource.IN_MEMORY_FRAME) {
            return false;
        }
        FrameNegotiation.Choice choice = FrameNegotiation.storedRegardlessOfDecoding(
                instance.transferSyntaxUid(), request.getHeader("Accept"));
        if (choice == null) {
            return false;
        }
        String etag = "\"" + WadoResource.frameTag(instance, p[8], FrameForm.STORED) + "\"";
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", WadoResource.IMMUTABLE);
        response.setHeader("Vary", "Accept"); // CORS headers (and Vary: Origin) come from the WAR's CorsHandler
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return true;
        }
        byte[] data;
        try {
            data = retrieve.frame(instance, index, frame);
        } catch (FrameNotAvailableException e) {
            throw new IllegalStateException(e); // checked above
        } catch (IOException e) {
            throw new UncheckedIOException("stored frame unreadable: " + instance.sopInstanceUid(), e);
        }
        retrieve.audit(RequestContext.requester(request), p[2], List.of(p[6]), "frames " + p[8], true);
        ServletOutputStream out;
        if (choice.multipart()) {
            String partType = choice.partType();
            MultipartRelatedWriter.SinglePart envelope = MultipartRelatedWriter.singlePart(
                    partType.substring(0, partType.indexOf(';')), partType);
            response.setContentType(envelope.contentType());
            response.setContentLengthLong(envelope.length(data.length));
            out = response.getOutputStream();
            out.write(envelope.head());
            out.write(data);
            out.write(envelope.tail());
        } else {
            response.setContentType(choice.partType());
            response.setContentLength(data.length);
            out = response.getOutputStream();
            out.write(data);
        }
        return true;
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
