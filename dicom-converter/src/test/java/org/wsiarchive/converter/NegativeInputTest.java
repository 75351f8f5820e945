package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsiarchive.converter.cli.Wsi2Dicom;
import org.wsiarchive.converter.source.SourceException;

/** Broken, unsupported and corrupt inputs: a clear message, and nothing left in the output directory. */
class NegativeInputTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "wsi/invalid/broken.svs|unsupported format: broken.svs is not a TIFF/BigTIFF-based slide",
            "wsi/invalid/unopenable.tiff|unsupported TIFF compression 52479",
            "wsi/svs/unreadable.svs|corrupt tile data",
            "wsi/ndpi/test3.ndpis|unsupported format",
            "wsi/czi/RGB-8bit.czi|unsupported format"})
    void failsWithMessageAndLeavesOutputEmpty(String input, String message) throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        SourceException e = assertThrows(SourceException.class, () -> Converter.convert(
                TestSupport.testdata().resolve(input), out, new SlideMetadata(), ConversionOptions.defaults()));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        if (message.startsWith("unsupported")) {
            assertTrue(e.getMessage().contains("Supported formats") || e.getMessage().contains("supported tile compressions"),
                    "names what is supported: " + e.getMessage());
        }
        assertEmpty(out);
    }

    @Test
    void cliReportsFailureWithNonZeroExitAndNoOutput() throws Exception {
        Path out = tmp.resolve("cli-out");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(new String[] {TestSupport.testdata().resolve("wsi/svs/unreadable.svs").toString(),
                out.toString()}, new PrintStream(o), new PrintStream(err));
        assertEquals(1, rc);
        assertTrue(err.toString().contains("corrupt tile data"), err.toString());
        assertEmpty(out);
    }

    @Test
    void missingInputAndBadUsage() throws Exception {
        Path out = tmp.resolve("o");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(new String[] {tmp.resolve("nope.svs").toString(), out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(1, rc);
        assertTrue(err.toString().contains("does not exist"), err.toString());
        assertEmpty(out);
        assertEquals(2, Wsi2Dicom.run(new String[] {"only-one-arg"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())));
        assertEquals(2, Wsi2Dicom.run(new String[] {"a", "b", "--set", "Rows=1"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())), "only metadata keys may be set");
        assertNotEquals(0, Wsi2Dicom.run(new String[] {"a", "b", "--study-uid", "not a uid"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
    }

    static void assertEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "output directory must be empty");
        }
    }
}
