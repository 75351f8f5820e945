package org.wsiarchive.http;

import io.undertow.servlet.api.AuthMethodConfig;
import io.undertow.servlet.api.LoginConfig;
import io.undertow.servlet.api.SecurityConstraint;
import io.undertow.servlet.api.SecurityInfo;
import io.undertow.servlet.api.WebResourceCollection;

import java.util.List;

/**
 * Which requests need which bearer token, once security is on. Tokens themselves are checked by WildFly's
 * elytron-oidc-client (issuer, signature against the provider's JWKS, expiry, audience): the server configuration
 * {@code standalone-oidc.xml} makes this WAR a bearer-only secure deployment. What is left to the archive is the
 * rule, expressed as servlet security constraints so that Undertow enforces it before any servlet, filter, JAX-RS
 * resource or inner handler runs:
 * <ul>
 * <li>reads ({@code GET}, {@code HEAD}) need the role {@code archive.oidc.read-role}, when set;</li>
 * <li>every other method (STOW-RS, slide upload, non-preflight {@code OPTIONS}) needs {@code archive.oidc.write-role},
 *     when set;</li>
 * <li>without a configured role, any valid token will do.</li>
 * </ul>
 * Every path is covered, the capabilities document (WADL) included: one rule, nothing served without a token.
 */
final class BearerAccess {

    /** The issuer (provider URL) of the server configuration; set means security is meant to be on. */
    static final String ISSUER = "archive.oidc.issuer";
    static final String READ_ROLE = "archive.oidc.read-role";
    static final String WRITE_ROLE = "archive.oidc.write-role";
    /** The authentication method elytron-oidc-client gives a secure deployment. */
    static final String OIDC = "OIDC";

    private static final List<String> READ_METHODS = List.of("GET", "HEAD");

    private final String readRole;
    private final String writeRole;

    BearerAccess(String readRole, String writeRole) {
        this.readRole = blankToNull(readRole);
        this.writeRole = blankToNull(writeRole);
    }

    static BearerAccess fromSystemProperties() {
        return new BearerAccess(System.getProperty(READ_ROLE), System.getProperty(WRITE_ROLE));
    }

    /** Whether the server made this deployment an OIDC secure deployment (its login config names OIDC). */
    static boolean isOidcSecured(LoginConfig loginConfig) {
        if (loginConfig == null) return false;
        for (AuthMethodConfig m : loginConfig.getAuthMethods()) {
            if (OIDC.equalsIgnoreCase(m.getName())) return true;
        }
        return false;
    }

    List<SecurityConstraint> constraints() {
        SecurityConstraint reads = requiring(readRole);
        reads.addWebResourceCollection(new WebResourceCollection().addUrlPattern("/*").addHttpMethods(READ_METHODS));
        SecurityConstraint writes = requiring(writeRole);
        writes.addWebResourceCollection(new WebResourceCollection().addUrlPattern("/*").addHttpMethodOmissions(READ_METHODS));
        return List.of(reads, writes);
    }

    String describe() {
        return "reads need " + (readRole == null ? "any valid token" : "role " + readRole)
                + ", writes need " + (writeRole == null ? "any valid token" : "role " + writeRole);
    }

    private static SecurityConstraint requiring(String role) {
        SecurityConstraint c = new SecurityConstraint();
        if (role == null) {
            c.setEmptyRoleSemantic(SecurityInfo.EmptyRoleSemantic.AUTHENTICATE);
        } else {
            c.addRoleAllowed(role);
        }
        return c;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
