package org.wsiarchive.converter;

import java.util.function.LongConsumer;

/**
 * Turns the per-frame callbacks of the instance writer into {@link Progress} events counted over the whole
 * conversion (all instances together), so a listener sees one monotonic count from 0 to the total frames.
 */
final class ConversionProgress {
    private final ProgressListener listener;
    private final int instances;
    private final long totalFrames;
    private long frames;
    private long bytes;

    ConversionProgress(ProgressListener listener, int instances, long totalFrames) {
        this.listener = listener;
        this.instances = instances;
        this.totalFrames = totalFrames;
    }

    /** Announces instance {@code index} and returns the callback its writer calls with each frame's byte count. */
    LongConsumer instance(int index, String fileName) {
        listener.progress(new Progress(Progress.Phase.CONVERTING, fileName, index, instances, frames, totalFrames, bytes));
        return frameBytes -> {
            frames++;
            bytes += frameBytes;
            listener.progress(new Progress(Progress.Phase.CONVERTING, fileName, index, instances, frames, totalFrames,
                    bytes));
        };
    }
}
