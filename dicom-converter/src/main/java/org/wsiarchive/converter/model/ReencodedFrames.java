package org.wsiarchive.converter.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Supplier;
import org.wsiarchive.converter.tiff.ChannelOutput;

/**
 * Frames decoded from the source and encoded again (lossy). Their lengths are only known after encoding, while the
 * Pixel Data writer needs all lengths before the first frame (offset tables); so {@link #prepare} encodes every frame
 * once, in frame order, into a spool file in the conversion's temporary directory, and the frames are then copied
 * from there. Memory stays bounded by what one subclass needs to encode (a tile, or one band of tiles); disk use is
 * the size of the encoded frames.
 */
public abstract class ReencodedFrames implements FrameSource {

    /** Receives encoded frames in frame order. */
    public interface FrameSink {
        void frame(byte[] encoded) throws IOException;
    }

    private final int frameCount;
    private final Supplier<List<LossyCompression>> priorSteps;
    private final String derivation;
    private List<LossyCompression> prior;
    private Path spool;
    private FileChannel channel;
    private long[] offsets;
    private int[] lengths;
    private byte[] copyBuffer = new byte[0];

    /**
     * @param frameCount  number of frames (row-major tiles)
     * @param priorSteps  lossy compressions of the pixels before this decoding, oldest first (evaluated when the
     *                    header is written, so it may depend on other re-encoded images being prepared)
     * @param derivation  how the frames were made (DerivationDescription, summary)
     */
    protected ReencodedFrames(int frameCount, Supplier<List<LossyCompression>> priorSteps, String derivation) {
        this.frameCount = frameCount;
        this.priorSteps = priorSteps;
        this.derivation = derivation;
    }

    /** Encodes one frame on its own (validation of single frames, and the default {@link #encodeAll}). */
    protected abstract byte[] encodeFrame(int index) throws IOException;

    /** Encodes all frames in order; override when neighbouring frames are cheaper to produce together. */
    protected void encodeAll(FrameSink sink) throws IOException {
        for (int i = 0; i < frameCount; i++) {
            sink.frame(encodeFrame(i));
        }
    }

    public String derivationDescription() {
        return derivation;
    }

    /** Lossy compressions the pixels had gone through before they were decoded for these frames, oldest first. */
    public synchronized List<LossyCompression> priorLossyCompressions() {
        if (prior == null) {
            prior = List.copyOf(priorSteps.get());
        }
        return prior;
    }

    @Override
    public int frameCount() {
        return frameCount;
    }

    @Override
    public synchronized void prepare(Path workDir) throws IOException {
        if (channel != null) {
            return;
        }
        Path file = Files.createTempFile(workDir, "frames-", ".spool");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long[] offs = new long[frameCount];
        int[] lens = new int[frameCount];
        int[] n = {0};
        try {
            encodeAll(encoded -> {
                if (n[0] >= frameCount) {
                    throw new IOException("encoder produced more than " + frameCount + " frames");
                }
                offs[n[0]] = ch.position();
                lens[n[0]] = encoded.length;
                ByteBuffer b = ByteBuffer.wrap(encoded);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                n[0]++;
            });
            if (n[0] != frameCount) {
                throw new IOException("encoder produced " + n[0] + " frames, expected " + frameCount);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
        spool = file;
        channel = ch;
        offsets = offs;
        lengths = lens;
    }

    private void requirePrepared() {
        if (channel == null) {
            throw new IllegalStateException("re-encoded frames are not prepared (prepare(workDir) not called)");
        }
    }

    @Override
    public long frameLength(int index) {
        requirePrepared();
        return lengths[index];
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        requirePrepared();
        if (out instanceof ChannelOutput co) {
            co.copyFrom(channel, offsets[index], lengths[index]);
            return;
        }
        if (copyBuffer.length < lengths[index]) {
            copyBuffer = new byte[lengths[index]];
        }
        ByteBuffer b = ByteBuffer.wrap(copyBuffer, 0, lengths[index]);
        while (b.hasRemaining()) {
            if (channel.read(b, offsets[index] + b.position()) < 0) {
                throw new java.io.EOFException("spool file ends before frame " + index);
            }
        }
        out.write(copyBuffer, 0, lengths[index]);
    }

    @Override
    public byte[] frameBytes(int index) throws IOException {
        if (channel == null) {
            return encodeFrame(index);
        }
        return FrameSource.super.frameBytes(index);
    }

    @Override
    public boolean lossless() {
        return false;
    }

    @Override
    public synchronized void release() throws IOException {
        if (channel != null) {
            channel.close();
            Files.deleteIfExists(spool);
            channel = null;
            spool = null;
        }
    }
}
