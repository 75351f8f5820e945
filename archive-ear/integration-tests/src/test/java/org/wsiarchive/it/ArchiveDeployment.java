package org.wsiarchive.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The EAR as built by archive-ear/ear, deployed unchanged, and the shared test data. */
final class ArchiveDeployment {

    /** HTTP port offset of the test server (it.port.offset), so checkouts can test side by side. */
    static final int PORT_OFFSET = Integer.getInteger("it.port.offset", 0);
    static final String BASE = "http://localhost:" + (8080 + PORT_OFFSET) + "/dicom-web";

    private ArchiveDeployment() {}

    static EnterpriseArchive ear() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("it.ear")));
    }

    static Path testdata(String relative) {
        return Path.of(System.getProperty("testdata.dir"), relative);
    }

    static List<Path> files(String dir) throws java.io.IOException {
        try (Stream<Path> s = java.nio.file.Files.walk(testdata(dir))) {
            return s.filter(java.nio.file.Files::isRegularFile).filter(p -> !p.toString().endsWith(".txt")).sorted().toList();
        }
    }
}
