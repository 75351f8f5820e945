package org.wsiarchive.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test objects derived from the shared data. */
final class TestObjects {

    private TestObjects() {}

    /** The WADO-RS path of an instance, /studies/{s}/series/{se}/instances/{i}, from its attributes. */
    static String instancePath(com.pixelmed.dicom.AttributeList list) {
        return "/studies/" + uid(list, com.pixelmed.dicom.TagFromName.StudyInstanceUID)
                + "/series/" + uid(list, com.pixelmed.dicom.TagFromName.SeriesInstanceUID)
                + "/instances/" + uid(list, com.pixelmed.dicom.TagFromName.SOPInstanceUID);
    }

    private static String uid(com.pixelmed.dicom.AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list, tag);
    }

    /**
     * A copy of {@code source} with new Study, Series and SOP Instance UIDs (dcmtk's dcmodify, a real peer tool),
     * Pixel Data untouched: an instance no other test has stored.
     */
    static Path withNewUids(Path source) {
        try {
            Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("objects"));
            Path copy = Files.createTempFile(dir, "copy-", ".dcm");
            Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Process p = new ProcessBuilder("dcmodify", "-nb", "-gst", "-gse", "-gin", copy.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("dcmodify failed on " + source + ": " + out);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
