import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * java ExtractFrames.java INSTANCE.dcm OUTDIR - writes frame N of an encapsulated (explicit VR little endian) DICOM
 * instance to OUTDIR/N (1-based), exactly the bytes a WADO-RS frame request returns: the fragments of the frame,
 * grouped by the Basic Offset Table when there is one, else one fragment per frame. Prints the number of frames.
 * Benchmark helper only: finds Pixel Data by its encapsulated header (7FE0,0010 OB, undefined length).
 */
public class ExtractFrames {
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(ch.size(), Integer.MAX_VALUE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            byte[] pattern = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1};
            int at = find(map, pattern);
            if (at < 0) throw new IOException("no encapsulated Pixel Data in " + in);
            long pos = at + pattern.length;
            List<long[]> fragments = new ArrayList<>(); // offset, length
            long[] bot = null;
            boolean first = true;
            while (true) {
                ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(h, pos);
                int group = h.getShort(0) & 0xFFFF, element = h.getShort(2) & 0xFFFF;
                long len = h.getInt(4) & 0xFFFFFFFFL;
                pos += 8;
                if (group == 0xFFFE && element == 0xE0DD) break;
                if (group != 0xFFFE || element != 0xE000) throw new IOException("bad item at " + (pos - 8));
                if (first) {
                    first = false;
                    if (len > 0) {
                        ByteBuffer b = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
                        ch.read(b, pos);
                        bot = new long[(int) (len / 4)];
                        for (int i = 0; i < bot.length; i++) bot[i] = b.getInt(i * 4) & 0xFFFFFFFFL;
                    }
                } else {
                    fragments.add(new long[]{pos, len});
                }
                pos += len;
            }
            int frames = bot != null ? bot.length : fragments.size();
            long firstFragment = fragments.isEmpty() ? 0 : fragments.get(0)[0] - 8;
            int f = 0;
            for (int frame = 0; frame < frames; frame++) {
                long end = bot != null && frame + 1 < bot.length ? firstFragment + bot[frame + 1] : Long.MAX_VALUE;
                ByteBuffer data = ByteBuffer.allocate(0);
                List<ByteBuffer> parts = new ArrayList<>();
                int total = 0;
                do {
                    long[] frag = fragments.get(f++);
                    ByteBuffer b = ByteBuffer.allocate((int) frag[1]);
                    ch.read(b, frag[0]);
                    b.flip();
                    parts.add(b);
                    total += b.remaining();
                } while (bot != null && f < fragments.size() && fragments.get(f)[0] - 8 < end);
                data = ByteBuffer.allocate(total);
                for (ByteBuffer p : parts) data.put(p);
                Files.write(out.resolve(Integer.toString(frame + 1)), data.array());
            }
            System.out.println(frames);
        }
    }

    private static int find(ByteBuffer b, byte[] p) {
        outer:
        for (int i = 0, n = b.limit() - p.length; i <= n; i++) {
            for (int j = 0; j < p.length; j++) if (b.get(i + j) != p[j]) continue outer;
            return i;
        }
        return -1;
    }
}
