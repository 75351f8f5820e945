package org.wsiarchive.http;

import io.undertow.servlet.api.AuthMethodConfig;
import io.undertow.servlet.api.LoginConfig;
import io.undertow.servlet.api.SecurityConstraint;
import io.undertow.servlet.api.SecurityInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The constraint rule: reads need the read role, everything else the write role, all paths; no role: any token. */
class BearerAccessTest {

    @Test
    void readsAndEverythingElseOnEveryPath() {
        List<SecurityConstraint> c = new BearerAccess("archive-read", "archive-write").constraints();
        assertEquals(2, c.size());
        SecurityConstraint reads = c.get(0);
        SecurityConstraint writes = c.get(1);
        assertEquals(Set.of("archive-read"), reads.getRolesAllowed());
        assertEquals(Set.of("/*"), reads.getWebResourceCollections().iterator().next().getUrlPatterns());
        assertEquals(Set.of("GET", "HEAD"), reads.getWebResourceCollections().iterator().next().getHttpMethods());
        assertEquals(Set.of("archive-write"), writes.getRolesAllowed());
        assertEquals(Set.of("/*"), writes.getWebResourceCollections().iterator().next().getUrlPatterns());
        assertEquals(Set.of("GET", "HEAD"), writes.getWebResourceCollections().iterator().next().getHttpMethodOmissions(),
                "POST, PUT, DELETE, OPTIONS... all fall under the write rule");
    }

    @Test
    void noRoleConfiguredMeansAnyAuthenticatedUser() {
        for (SecurityConstraint c : new BearerAccess(" ", null).constraints()) {
            assertTrue(c.getRolesAllowed().isEmpty());
            assertEquals(SecurityInfo.EmptyRoleSemantic.AUTHENTICATE, c.getEmptyRoleSemantic(),
                    "an empty role list must authenticate, not permit (the default) or deny");
        }
    }

    @Test
    void securedOnlyWithTheOidcMethod() {
        assertFalse(BearerAccess.isOidcSecured(null));
        assertFalse(BearerAccess.isOidcSecured(new LoginConfig("BASIC", "r")));
        LoginConfig oidc = new LoginConfig("r");
        oidc.addLastAuthMethod(new AuthMethodConfig("OIDC"));
        assertTrue(BearerAccess.isOidcSecured(oidc));
    }
}
