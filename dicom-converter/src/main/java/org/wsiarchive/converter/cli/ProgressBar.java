package org.wsiarchive.converter.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.wsiarchive.converter.Progress;
import org.wsiarchive.converter.ProgressListener;

/**
 * One-line progress bar on the error stream, redrawn in place with a carriage return:
 * {@code converting [#######.............]  35%  1,234/3,525 frames  57.3 MB  21.4 MB/s  level-0.dcm}.
 *
 * <p>It is redrawn only when the whole percentage or the file changes (at most about a hundred redraws per phase,
 * whatever the number of frames), and {@link #finish()} ends the line before anything else is printed, so the bar never
 * runs into the summary on standard output or into an error message.
 */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 24;

    private final PrintStream err;
    private Progress.Phase phase;
    private long phaseStartNanos;
    private int lastPercent = -1;
    private int lastItem = -1;
    private int lastLength;
    private boolean drawn;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void progress(Progress p) {
        if (p.phase() != phase) {
            finish();
            phase = p.phase();
            phaseStartNanos = System.nanoTime();
        }
        int percent = (int) Math.floor(p.fraction() * 100);
        if (percent == lastPercent && p.itemIndex() == lastItem) {
            return;
        }
        lastPercent = percent;
        lastItem = p.itemIndex();
        String line = line(p, percent, (System.nanoTime() - phaseStartNanos) / 1e9);
        // pad with spaces over the rest of a longer previous line
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
        drawn = true;
    }

    static String line(Progress p, int percent, double seconds) {
        int filled = percent * WIDTH / 100;
        double mb = p.bytes() / 1e6;
        String count = p.phase() == Progress.Phase.CONVERTING
                ? String.format(Locale.ROOT, "%,d/%,d frames", p.done(), p.total())
                : String.format(Locale.ROOT, "file %d/%d", p.itemIndex() + 1, p.itemCount());
        String rate = seconds > 0.05 ? String.format(Locale.ROOT, "%6.1f MB/s", mb / seconds) : "    -- MB/s";
        return String.format(Locale.ROOT, "%-10s [%s%s] %3d%%  %s  %8.1f MB  %s  %s",
                p.phase() == Progress.Phase.CONVERTING ? "converting" : "sending",
                "#".repeat(filled), ".".repeat(WIDTH - filled), percent, count, mb, rate, p.item());
    }

    /** Ends the bar's line (if one was drawn); the next event starts a new one. */
    synchronized void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
        drawn = false;
        phase = null;
        lastPercent = -1;
        lastItem = -1;
        lastLength = 0;
    }
}
