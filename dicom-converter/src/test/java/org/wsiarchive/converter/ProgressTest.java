package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.cli.Wsi2Dicom;

/** Progress events of the converter and the command line's progress bar. */
class ProgressTest {

    @TempDir
    Path tmp;

    /**
     * One event per written frame plus one when each instance starts: the frame count rises by one per frame up to the
     * total announced at the start, the bytes reach the pixel data of the result, the instances come in output order.
     * SVS: JPEG tiles copied; QPTIFF: decoded channel planes written native, three channels + associated images.
     */
    @ParameterizedTest
    @ValueSource(strings = {"wsi/svs/CMU-1-Small-Region.svs", "wsi/qptiff/small_vectra.qptiff"})
    void eventsAreMonotonicAndReachTheTotal(String input) throws Exception {
        List<Progress> events = new ArrayList<>();
        ConversionResult r = Converter.convert(TestSupport.testdata().resolve(input), tmp.resolve("out"),
                new SlideMetadata(), ConversionOptions.defaults(), events::add);
        long frames = r.instances().stream().mapToLong(ConversionResult.Instance::frames).sum();
        long bytes = r.instances().stream().mapToLong(ConversionResult.Instance::frameBytes).sum();
        List<String> names = r.instances().stream().map(i -> i.file().getFileName().toString()).toList();
        assertEquals(frames + names.size(), events.size(), "one event per frame and one per instance start");

        Progress previous = null;
        List<String> seen = new ArrayList<>();
        for (Progress p : events) {
            assertEquals(Progress.Phase.CONVERTING, p.phase());
            assertEquals(frames, p.total(), "total known from the first event on");
            assertEquals(names.size(), p.itemCount());
            assertEquals(names.get(p.itemIndex()), p.item());
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(p.item())) {
                seen.add(p.item());
            }
            if (previous == null) {
                assertEquals(0, p.done());
                assertEquals(0, p.bytes());
            } else if (p.itemIndex() != previous.itemIndex()) {
                assertEquals(previous.itemIndex() + 1, p.itemIndex(), "instances in order");
                assertEquals(previous.done(), p.done(), "an instance start adds no frame");
            } else {
                assertEquals(previous.done() + 1, p.done(), "one frame at a time");
                assertTrue(p.bytes() > previous.bytes(), "bytes grow with every frame");
            }
            previous = p;
        }
        assertEquals(names, seen);
        assertEquals(frames, previous.done());
        assertTrue(previous.complete());
        assertEquals(bytes, previous.bytes());
    }

    String out;
    String err;

    int cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(args, new PrintStream(o), new PrintStream(e));
        out = o.toString();
        err = e.toString();
        return rc;
    }

    private static final Pattern DRAW = Pattern.compile(
            "(converting|sending) +\\[([#.]{24})\\] +(\\d+)%  ([\\d,]+)/([\\d,]+) frames +([\\d.]+) MB +(?:[\\d.]+|--) MB/s  (\\S+)");

    @Test
    void forcedBarOnStderrRisesToAllFramesAndLeavesStdoutClean() {
        String cmu = TestSupport.svs("CMU-1-Small-Region.svs").toString();
        // the source pyramid only, so that the counts below are the source's (generated levels are tested elsewhere)
        assertEquals(0, cli(cmu, tmp.resolve("a").toString(), "--progress", "--no-generated-levels"), err);
        assertFalse(out.contains("\r"), "summary untouched: " + out);
        assertTrue(out.startsWith("Converted Aperio SVS"), out);
        assertTrue(err.startsWith("\r") && err.endsWith("\n"), "redrawn in place, line ended: " + err);
        String[] draws = err.strip().split("\r");
        assertTrue(draws.length > 10, "redrawn as it goes: " + draws.length);
        int lastPercent = -1;
        long lastFrames = -1;
        Matcher m = null;
        for (String d : draws) {
            m = DRAW.matcher(d.stripTrailing());
            assertTrue(m.matches(), "bar line: [" + d + "]");
            int percent = Integer.parseInt(m.group(3));
            long done = Long.parseLong(m.group(4).replace(",", ""));
            assertTrue(percent >= lastPercent && done >= lastFrames, d);
            assertEquals(percent * 24 / 100, m.group(2).indexOf('.') < 0 ? 24 : m.group(2).indexOf('.'), "bar length " + d);
            lastPercent = percent;
            lastFrames = done;
        }
        assertEquals("100", m.group(3));
        assertEquals("133", m.group(4));
        assertEquals("133", m.group(5));
        assertTrue(out.contains("1 levels, 4 instances, 133 frames, 2,134,181 bytes"), out);
        assertEquals("2.1", m.group(6), "MB of pixel data (2,134,181 bytes)");
        assertEquals("overview.dcm", m.group(7));

        // not a terminal (the test's stderr) and no option: no bar; --no-progress wins over --progress given before
        assertEquals(0, cli(cmu, tmp.resolve("b").toString()));
        assertEquals("", err);
        assertEquals(0, cli(cmu, tmp.resolve("c").toString(), "--progress", "--no-progress"));
        assertEquals("", err);
    }

    /** Where stdout and stderr are one terminal, the bar's line is ended before the summary starts. */
    @Test
    void barAndSummaryOnOneStreamDoNotRunTogether() {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(both, true);
        assertEquals(0, Wsi2Dicom.run(new String[] {TestSupport.svs("small.svs").toString(), tmp.resolve("d").toString(),
                "--progress"}, ps, ps));
        String text = both.toString();
        int summary = text.indexOf("Converted Aperio SVS");
        assertTrue(summary > 0 && text.charAt(summary - 1) == '\n', text);
        assertFalse(text.substring(summary).contains("\r"), "no redraw after the summary started: " + text);
        assertTrue(text.substring(0, summary).contains("100%  2/2 frames"), text);
    }
}
