package org.wsiarchive.converter.send;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wsiarchive.converter.Progress;
import org.wsiarchive.converter.ProgressListener;

/**
 * Progress of sending a list of files, counted in file bytes as the sender reads them: every sender streams the files
 * (never holds one in memory), so the bytes read are the bytes handed to the network. When a file is finished its
 * whole size counts, also the part a sender skipped (C-STORE sends the data set without the Part 10 meta header), so
 * the count ends exactly at the total.
 */
public final class SendProgress {
    private final ProgressListener listener;
    private final List<Path> files;
    private final long[] sizes;
    private final long total;
    private long doneBefore; // bytes of the files finished so far

    public SendProgress(ProgressListener listener, List<Path> files) throws IOException {
        this.listener = listener;
        this.files = List.copyOf(files);
        this.sizes = new long[files.size()];
        long t = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Files.size(files.get(i));
            t += sizes[i];
        }
        this.total = t;
    }

    public long size(int index) {
        return sizes[index];
    }

    public long total() {
        return total;
    }

    /**
     * Opens file {@code index} for sending; bytes read from the stream are reported as sent. At its end or when it is
     * closed (also early, when a send fails) the whole file counts as done, so the count never goes back.
     */
    public InputStream open(int index) throws IOException {
        report(index, 0);
        return new FilterInputStream(Files.newInputStream(files.get(index))) {
            long read;
            boolean finished;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    report(index, ++read);
                } else {
                    finish();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read += n;
                    report(index, read);
                } else if (n < 0) {
                    finish();
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = super.skip(n);
                read += s;
                return s;
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    finish();
                }
            }

            private void finish() {
                if (!finished) {
                    finished = true;
                    report(index, sizes[index]);
                    doneBefore += sizes[index];
                }
            }
        };
    }

    private void report(int index, long readOfFile) {
        long done = doneBefore + Math.min(readOfFile, sizes[index]);
        listener.progress(new Progress(Progress.Phase.SENDING, files.get(index).getFileName().toString(), index,
                files.size(), done, total, done));
    }
}
