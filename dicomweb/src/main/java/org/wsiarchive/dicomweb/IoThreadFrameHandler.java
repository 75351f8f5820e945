package org.wsiarchive.dicomweb;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import jakarta.servlet.ServletContext;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;
import org.wsiarchive.http.ArchiveHttpAccess;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.logging.Logger;

/**
 * The hottest request of the archive answered where it arrives: a tile ({@link StoredFrame}) whose instance and frame
 * index are cached and whose bytes are in memory is written by the Undertow I/O thread that parsed the request — no
 * hand-over to a worker thread, no servlet request, no CDI request context — from the mapped stored file straight to
 * the socket. It only does so when nothing can block that thread: no database access (instance and index from the
 * caches), no disk read (the frame's pages resident), no synchronous audit row (retrieves coalesced). Anything else
 * goes on unchanged to the servlet chain, where {@link StoredFrameFilter} (which also fills the caches) or
 * {@link WadoResource} answers it. CORS headers come from the same handler as for every other response.
 *
 * <p>Installed as an initial handler, i.e. in front of Undertow's security handlers, so only when the deployment
 * has no authentication (security off): with bearer tokens required, every request goes through the container.
 */
public class IoThreadFrameHandler implements HttpHandler {

    /** Servlet context attribute under which {@link StoredFrameFilter} publishes the RetrieveService. */
    static final String RETRIEVE_SERVICE = IoThreadFrameHandler.class.getName() + ".retrieve";
    private static final AttachmentKey<StoredFrame.Answer> ANSWER = AttachmentKey.create(StoredFrame.Answer.class);
    private static final Logger LOG = Logger.getLogger(IoThreadFrameHandler.class.getName());

    /** Registers the handler for the dicomweb WAR (META-INF/services/io.undertow.servlet.ServletExtension). */
    public static class Installer implements ServletExtension {
        @Override
        public void handleDeployment(DeploymentInfo deployment, ServletContext servletContext) {
            if (deployment.getLoginConfig() != null || !System.getProperty("archive.oidc.issuer", "").isBlank()) {
                LOG.info(deployment.getDeploymentName() + ": security on, tiles are answered after authentication");
                return;
            }
            deployment.addInitialHandlerChainWrapper(next -> new IoThreadFrameHandler(servletContext, next));
        }
    }

    private final ServletContext servletContext;
    private final HttpHandler next;
    private final HttpHandler sendWithCors;
    private volatile RetrieveService retrieve;

    IoThreadFrameHandler(ServletContext servletContext, HttpHandler next) {
        this.servletContext = servletContext;
        this.next = next;
        this.sendWithCors = ArchiveHttpAccess.withCors(IoThreadFrameHandler::send);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        StoredFrame.Answer answer = exchange.isInIoThread() ? answerWithoutBlocking(exchange) : null;
        if (answer == null) {
            next.handleRequest(exchange);
            return;
        }
        exchange.putAttachment(ANSWER, answer);
        sendWithCors.handleRequest(exchange);
    }

    private StoredFrame.Answer answerWithoutBlocking(HttpServerExchange exchange) throws Exception {
        RetrieveService rs = retrieveService();
        if (rs == null || !rs.auditsRetrievesWithoutWaiting()) {
            return null;
        }
        StoredFrame.Request r = StoredFrame.parse(exchange.getRequestMethod().toString(), exchange.getRelativePath(),
                exchange.getQueryString());
        if (r == null) {
            return null;
        }
        StoredInstance instance = rs.cachedInstance(r.study(), r.series(), r.sop());
        FrameIndex index = instance == null ? null : rs.cachedFrameIndex(instance);
        if (index == null) {
            return null;
        }
        StoredFrame.Answer answer = StoredFrame.answer(r, instance, index,
                exchange.getRequestHeaders().getFirst(Headers.ACCEPT),
                exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH),
                () -> rs.residentFrameBuffers(instance, index, r.frame()));
        if (answer != null && !answer.notModified()) {
            InetSocketAddress peer = exchange.getSourceAddress();
            rs.audit(Requester.http(Requester.DICOMWEB, null, exchange.getRequestHeaders().getFirst("X-Forwarded-For"),
                    peer == null ? "unknown" : peer.getAddress().getHostAddress()), r.study(), List.of(r.sop()),
                    "frames " + r.frameText(), true);
        }
        return answer;
    }

    private RetrieveService retrieveService() {
        RetrieveService rs = retrieve;
        if (rs == null) {
            rs = (RetrieveService) servletContext.getAttribute(RETRIEVE_SERVICE);
            retrieve = rs;
        }
        return rs;
    }

    /** Writes the answer without blocking: the sender completes the exchange when the socket has taken it all. */
    private static void send(HttpServerExchange exchange) {
        StoredFrame.Answer answer = exchange.getAttachment(ANSWER);
        answer.headers((name, value) -> exchange.getResponseHeaders().put(HttpString.tryFromString(name), value));
        if (answer.notModified()) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(answer.body());
    }
}
