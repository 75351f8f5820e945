package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;

import static org.junit.jupiter.api.Assertions.*;

/** Two STOWs of the same instance at the same time leave exactly one instance and one file. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConcurrentStoreIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    @Test
    void concurrentStowsOfOneInstanceLeaveExactlyOne() throws Exception {
        Path file = ArchiveDeployment.testdata("dicom-wsi/3dhistech_FluorCell_4/6_0");
        AttributeList h = new AttributeList();
        h.read(file.toFile(), TagFromName.PixelData);
        String sop = Attribute.getSingleStringValueOrNull(h, TagFromName.SOPInstanceUID);
        String study = Attribute.getSingleStringValueOrNull(h, TagFromName.StudyInstanceUID);
        DicomWebClient client = new DicomWebClient(ArchiveDeployment.BASE);
        // several rounds of two (and then four) simultaneous requests; the first round stores, all succeed
        for (int parallel : new int[] {2, 4}) {
            CyclicBarrier start = new CyclicBarrier(parallel);
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
            for (int k = 0; k < parallel; k++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return client.stow(List.of(file));
                }));
            }
            for (Future<HttpResponse<byte[]>> f : results) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode(), "identical copies all succeed");
            }
            pool.shutdown();
        }
        try (Connection c = ItEnvironment.archiveDatabase()) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select count(*), min(storage_path) from instance where sop_iuid = '" + sop + "'")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "exactly one instance");
                String path = rs.getString(2);
                assertTrue(Files.exists(ItEnvironment.storageDir().resolve(path)));
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select number_of_instances from study where study_iuid = '" + study + "'")) {
                rs.next();
                int counted = rs.getInt(1);
                try (ResultSet real = c.createStatement().executeQuery("select count(*) from instance i join series s on i.series_fk = s.pk"
                        + " join study st on s.study_fk = st.pk where st.study_iuid = '" + study + "'")) {
                    real.next();
                    assertEquals(real.getInt(1), counted, "study counter consistent");
                }
            }
        }
        // no stray copies: every stored file is referenced by the index, no temporary file is left
        try (Connection c = ItEnvironment.archiveDatabase();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from instance")) {
            rs.next();
            long indexed = rs.getLong(1);
            // the store's own files (YYYY/MM/DD/<uuid>.dcm); other folders of the storage root belong to other services
            try (var files = Files.walk(ItEnvironment.storageDir())) {
                assertEquals(indexed, files.filter(p -> ItEnvironment.storageDir().relativize(p).toString()
                        .matches("\\d{4}/\\d{2}/\\d{2}/[^/]+\\.dcm")).count(), "files == instances");
            }
            try (var tmp = Files.list(ItEnvironment.storageDir().resolve("tmp"))) {
                assertEquals(0, tmp.count(), "no temporary files left");
            }
        }
    }
}
