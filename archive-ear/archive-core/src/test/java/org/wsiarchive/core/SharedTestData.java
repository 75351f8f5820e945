package org.wsiarchive.core;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** The shared real test data (../shared/testdata, see its MANIFEST.md) as the core's tests use it. */
public final class SharedTestData {

    public static final Path DIR = Path.of(System.getProperty("testdata.dir", "/work/shared/testdata"));

    private SharedTestData() {}

    /** The data set of every shared WSI DICOM file, up to Pixel Data and without the meta header, in file order. */
    public static Map<Path, AttributeList> wsiHeaders() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(DIR.resolve("dicom-wsi"))) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".txt")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no shared WSI files under " + DIR);
        Map<Path, AttributeList> headers = new LinkedHashMap<>();
        for (Path f : files) {
            AttributeList list = new AttributeList();
            list.read(f.toFile(), TagFromName.PixelData);
            list.removeMetaInformationHeaderAttributes();
            headers.put(f, list);
        }
        return headers;
    }
}
