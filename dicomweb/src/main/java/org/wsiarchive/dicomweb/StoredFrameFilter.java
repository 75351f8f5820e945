package org.wsiarchive.dicomweb;

import io.undertow.io.BufferWritableOutputStream;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Single stored frames ({@link StoredFrame}) answered in front of JAX-RS, on a worker thread after container
 * security: the frames benchmark showed most of a tile request's time in the JAX-RS machinery (resource matching,
 * providers, return-value validation, response filters), not in the archive. This path may wait (database lookups
 * of an instance not yet cached, a cold page of the stored file, a synchronous audit row); the hottest requests are
 * answered earlier still, on the I/O thread, by {@link IoThreadFrameHandler} when that cannot block. Also makes the
 * {@link RetrieveService} available to that handler (it runs outside CDI).
 */
@WebFilter(urlPatterns = "/studies/*", asyncSupported = true)
public class StoredFrameFilter extends HttpFilter {

    @Inject
    RetrieveService retrieve;

    @Override
    public void init() throws ServletException {
        super.init();
        getServletContext().setAttribute(IoThreadFrameHandler.RETRIEVE_SERVICE, retrieve);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!serveStoredFrame(request, response)) {
            chain.doFilter(request, response);
        }
    }

    /** Answers a single stored frame; false (nothing written) when the request is not one. */
    private boolean serveStoredFrame(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        StoredFrame.Request r = StoredFrame.parse(request.getMethod(),
                uri.substring(Math.min(uri.length(), request.getContextPath().length())), request.getQueryString());
        if (r == null) {
            return false;
        }
        List<StoredInstance> found = retrieve.find(r.study(), r.series(), r.sop());
        if (found.size() != 1) {
            return false;
        }
        StoredInstance instance = found.get(0);
        var index = retrieve.frameIndex(instance);
        StoredFrame.Answer answer;
        try {
            answer = StoredFrame.answer(r, instance, index, request.getHeader("Accept"), request.getHeader("If-None-Match"),
                    () -> {
                        ByteBuffer[] mapped = retrieve.frameBuffers(instance, index, r.frame());
                        return mapped != null ? mapped : new ByteBuffer[] {ByteBuffer.wrap(retrieve.frame(instance, index, r.frame()))};
                    });
        } catch (FrameNotAvailableException e) {
            throw new IllegalStateException(e); // the frame number was checked
        } catch (IOException e) {
            throw new UncheckedIOException("stored frame unreadable: " + instance.sopInstanceUid(), e);
        }
        if (answer == null) {
            return false;
        }
        answer.headers(response::setHeader);
        if (answer.notModified()) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return true;
        }
        retrieve.audit(RequestContext.requester(request), r.study(), List.of(r.sop()), "frames " + r.frameText(), true);
        ServletOutputStream out = response.getOutputStream();
        if (out instanceof BufferWritableOutputStream undertow) {
            // one gathering write: the frame goes from the mapped file to the socket without a copy into the heap
            undertow.write(answer.body());
        } else {
            for (ByteBuffer b : answer.body()) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.write(bytes);
            }
        }
        return true;
    }
}
