package org.wsiarchive.http;

import io.undertow.security.api.SecurityContext;
import io.undertow.security.idm.Account;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import jakarta.enterprise.inject.spi.CDI;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Audits the requests the container refuses once security is on: 401 (no valid bearer token: who is the subject the
 * token claims, if any) and 403 with an authenticated user (a role is missing). Those responses come from Undertow's
 * security handlers, before any servlet or JAX-RS resource that would otherwise audit the request, so this handler
 * wraps the deployment's chain from outside and looks at each response as it is committed.
 */
final class FailedAccessAudit implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(FailedAccessAudit.class.getName());

    private final String protocol;
    private final HttpHandler next;
    private volatile AuditService audit;

    FailedAccessAudit(String protocol, HttpHandler next) {
        this.protocol = protocol;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addResponseCommitListener(this::auditIfRefused);
        next.handleRequest(exchange);
    }

    private void auditIfRefused(HttpServerExchange exchange) {
        int status = exchange.getStatusCode();
        if (status == StatusCodes.UNAUTHORIZED) {
            String claimed = ClaimedSubject.of(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))
                    .orElse(Requester.ANONYMOUS);
            String challenge = exchange.getResponseHeaders().getFirst(Headers.WWW_AUTHENTICATE);
            record(AuditAction.USER_AUTHENTICATION, exchange, claimed,
                    (exchange.getRequestHeaders().contains(Headers.AUTHORIZATION) ? "token refused" : "no bearer token")
                            + (challenge == null ? "" : " (" + challenge + ")") + "; user as claimed, not verified");
        } else if (status == StatusCodes.FORBIDDEN) {
            SecurityContext security = exchange.getSecurityContext();
            Account account = security == null ? null : security.getAuthenticatedAccount();
            if (account != null) { // not e.g. a preflight from a foreign origin: no user, no privilege refused
                record(AuditAction.ACCESS_DENIED, exchange, account.getPrincipal().getName(), "role missing for this request");
            }
        }
    }

    private void record(AuditAction action, HttpServerExchange exchange, String user, String detail) {
        Requester who = Requester.http(protocol, user, exchange.getRequestHeaders().getFirst("X-Forwarded-For"),
                exchange.getSourceAddress() == null ? null : exchange.getSourceAddress().getAddress().getHostAddress());
        String what = exchange.getRequestMethod() + " " + exchange.getRequestURI()
                + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString()) + ": " + detail;
        try {
            auditService().record(action, AuditService.Outcome.FAILURE, who, null, null, what);
        } catch (RuntimeException e) {
            // the refusal stands either way; the log keeps the event
            LOG.log(Level.WARNING, "audit record lost: " + action + " FAILURE " + who + ": " + what, e);
        }
    }

    /** Looked up on first use, on a request thread (the deployment's class loader finds its CDI container). */
    private AuditService auditService() {
        AuditService a = audit;
        if (a == null) {
            a = CDI.current().select(AuditService.class).get();
            audit = a;
        }
        return a;
    }
}
