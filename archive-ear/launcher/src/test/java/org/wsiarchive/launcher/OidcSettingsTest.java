package org.wsiarchive.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** ARCHIVE_OIDC_* environment: off unless an issuer is given; what WildFly is then told. */
class OidcSettingsTest {

    @Test
    void offWithoutIssuer() throws Exception {
        assertNull(ArchiveLauncher.Oidc.from(Map.of()));
        assertNull(ArchiveLauncher.Oidc.from(Map.of("ARCHIVE_OIDC_ISSUER", " ", "ARCHIVE_OIDC_READ_ROLE", "r")));
    }

    @Test
    void defaultsAndSystemProperties() throws Exception {
        ArchiveLauncher.Oidc oidc = ArchiveLauncher.Oidc.from(Map.of("ARCHIVE_OIDC_ISSUER", "https://idp.example.org/realms/wsi/"));
        assertEquals(List.of("-Darchive.oidc.issuer=https://idp.example.org/realms/wsi",
                "-Darchive.oidc.client-id=wsi-archive", "-Darchive.oidc.verify-audience=false",
                "-Darchive.oidc.principal-claim=preferred_username"), oidc.systemProperties());

        oidc = ArchiveLauncher.Oidc.from(Map.of("ARCHIVE_OIDC_ISSUER", "http://127.0.0.1:8180",
                "ARCHIVE_OIDC_CLIENT_ID", "archive", "ARCHIVE_OIDC_VERIFY_AUDIENCE", "yes",
                "ARCHIVE_OIDC_READ_ROLE", "archive-read", "ARCHIVE_OIDC_WRITE_ROLE", "archive-write",
                "ARCHIVE_OIDC_PRINCIPAL_CLAIM", "sub"));
        assertEquals(List.of("-Darchive.oidc.issuer=http://127.0.0.1:8180", "-Darchive.oidc.client-id=archive",
                "-Darchive.oidc.verify-audience=true", "-Darchive.oidc.principal-claim=sub",
                "-Darchive.oidc.read-role=archive-read", "-Darchive.oidc.write-role=archive-write"), oidc.systemProperties());
    }

    @Test
    void refusesWhatIsNotAnHttpIssuer() {
        for (String bad : List.of("idp.example.org", "ftp://idp.example.org", "https://", "http://bad host")) {
            assertThrows(ArchiveLauncher.UsageException.class,
                    () -> ArchiveLauncher.Oidc.from(Map.of("ARCHIVE_OIDC_ISSUER", bad)), bad);
        }
        assertThrows(ArchiveLauncher.UsageException.class, () -> ArchiveLauncher.Oidc.from(
                Map.of("ARCHIVE_OIDC_ISSUER", "https://idp", "ARCHIVE_OIDC_VERIFY_AUDIENCE", "maybe")));
    }
}
