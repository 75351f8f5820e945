package org.wsiarchive.converter.model;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Frames already in memory (small associated images only). */
public final class MemoryFrames implements FrameSource {
    private final List<byte[]> frames;
    private final boolean lossless;

    public MemoryFrames(List<byte[]> frames, boolean lossless) {
        this.frames = List.copyOf(frames);
        this.lossless = lossless;
    }

    @Override
    public int frameCount() {
        return frames.size();
    }

    @Override
    public long frameLength(int index) {
        return frames.get(index).length;
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        out.write(frames.get(index));
    }

    @Override
    public boolean lossless() {
        return lossless;
    }
}
