package org.wsiarchive.http;

import io.undertow.server.HttpHandler;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import jakarta.servlet.ServletContext;

import java.util.logging.Logger;

/**
 * Access to one of the archive's WARs, set up when Undertow deploys it: CORS for every response and, when the server
 * makes the WAR an OIDC secure deployment, the bearer-token constraints ({@link BearerAccess}) and the audit of
 * refused requests ({@link FailedAccessAudit}).
 *
 * <p>Both handlers are outer handler-chain wrappers: they run before Undertow's security handlers (a CORS preflight
 * carries no token and must not be refused; the container's 401 must still carry CORS headers) and so before inner
 * handlers, servlet filters and JAX-RS. Each WAR registers a subclass naming its audit protocol in its
 * {@code META-INF/services/io.undertow.servlet.ServletExtension}.
 *
 * <p>Security is on exactly when the server configuration secures the deployment (elytron-oidc-client gives it the
 * OIDC authentication method). If {@code archive.oidc.issuer} is set but the server does not, the deployment fails
 * rather than serving without the security the administrator asked for.
 */
public abstract class ArchiveHttpAccess implements ServletExtension {

    private static final Logger LOG = Logger.getLogger(ArchiveHttpAccess.class.getName());

    /**
     * {@code handler} with the CORS handling every response of the archive gets (the same policy): for a handler
     * that answers requests before the deployment's own handler chain, e.g. on the I/O thread.
     */
    public static HttpHandler withCors(HttpHandler handler) {
        return new CorsHandler(CorsPolicy.fromSystemProperties(), handler);
    }

    /** The protocol this WAR's requests are audited under (Requester.protocol). */
    protected abstract String auditProtocol();

    @Override
    public void handleDeployment(DeploymentInfo deployment, ServletContext servletContext) {
        if (BearerAccess.isOidcSecured(deployment.getLoginConfig())) {
            BearerAccess access = BearerAccess.fromSystemProperties();
            access.constraints().forEach(deployment::addSecurityConstraint);
            deployment.addOuterHandlerChainWrapper(next -> new FailedAccessAudit(auditProtocol(), next));
            LOG.info(deployment.getDeploymentName() + ": bearer tokens required from " + System.getProperty(BearerAccess.ISSUER)
                    + "; " + access.describe());
        } else if (System.getProperty(BearerAccess.ISSUER, "").isBlank()) {
            LOG.info(deployment.getDeploymentName() + ": security off (no " + BearerAccess.ISSUER + "), requests are anonymous");
        } else {
            throw new IllegalStateException(BearerAccess.ISSUER + " is set but the server does not secure "
                    + deployment.getDeploymentName() + " with OIDC: start WildFly with the server configuration"
                    + " standalone-oidc.xml (or add the elytron-oidc-client secure-deployment, see docs/admin-guide.md)");
        }
        // added last: the outermost handler, so a preflight is answered before any other
        CorsPolicy cors = CorsPolicy.fromSystemProperties();
        deployment.addOuterHandlerChainWrapper(next -> new CorsHandler(cors, next));
    }
}
