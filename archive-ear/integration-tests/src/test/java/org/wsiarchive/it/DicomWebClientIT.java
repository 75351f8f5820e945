package org.wsiarchive.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The archive driven by dicomweb-client (npm), the DICOMweb client of Slim and OHIF, in Node: store, the three
 * searches, series metadata and frames as image/jpeg and as application/octet-stream with transfer-syntax=*.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DicomWebClientIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private static String run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), command + " failed:\n" + out);
        return out;
    }

    @Test
    void dicomwebClientStoresSearchesAndRetrieves() throws Exception {
        Path source = Path.of(System.getProperty("it.node.dir"));
        Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("node"));
        for (String f : List.of("package.json", "package-lock.json", "dicomweb-client-check.mjs")) {
            Files.copy(source.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        run(dir, List.of("npm", "ci", "--no-audit", "--no-fund"));

        Path file = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"));
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(file.toFile());
        Path frame1 = dir.resolve("frame1.jpg");
        Files.write(frame1, ((OtherByteAttributeMultipleCompressedFrames) list.get(TagFromName.PixelData))
                .getByteValuesForSelectedFrame(0));
        String out = run(dir, List.of("node", "dicomweb-client-check.mjs", ArchiveDeployment.BASE, file.toString(),
                Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.SeriesInstanceUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID), frame1.toString()));
        assertTrue(out.contains("\"studies\":1,\"series\":1,\"instances\":1,\"metadata\":1"), out);
    }
}
