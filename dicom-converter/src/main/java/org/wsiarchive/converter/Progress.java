package org.wsiarchive.converter;

/**
 * One progress event of a conversion or of sending its result on.
 *
 * <p>{@link Phase#CONVERTING}: {@code done}/{@code total} count frames over all instances of the conversion (the frame
 * counts are known before the first instance is written, the frame sizes are not), {@code bytes} is the pixel data
 * written so far. {@link Phase#SENDING}: {@code done}/{@code total} count bytes of the files being sent, {@code bytes}
 * equals {@code done}. In both phases {@code item} is the file being written or sent, {@code itemIndex} its position
 * (0-based) among {@code itemCount} files.
 *
 * <p>Within one phase {@code done} never decreases and the last event has {@code done == total}.
 */
public record Progress(Phase phase, String item, int itemIndex, int itemCount, long done, long total, long bytes) {

    public enum Phase { CONVERTING, SENDING }

    /** Completed fraction, 0..1 (1 when there is nothing to do). */
    public double fraction() {
        return total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
    }

    public boolean complete() {
        return done >= total;
    }
}
