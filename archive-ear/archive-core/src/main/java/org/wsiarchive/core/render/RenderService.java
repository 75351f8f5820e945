package org.wsiarchive.core.render;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Rendered images (PS3.18 rendered and thumbnail resources) of stored instances and frames.
 *
 * <p>A whole-slide level that tiles its total pixel matrix (TILED_FULL) renders as the whole matrix: the tiles of the
 * requested region are decoded one at a time and drawn, already scaled, into a canvas of the output size, so memory
 * follows the output, not the slide. A rendition may need at most {@link #MAX_TILES} frames; larger levels are
 * refused with a reason (render a smaller level, a region, or a frame). Other multi-frame instances render their
 * first frame.
 */
@ApplicationScoped
public class RenderService {

    /** Frames one rendition may decode (a 64×64-tile level; about 5 s of JPEG or a minute of JPEG 2000 decoding). */
    public static final int MAX_TILES = 4096;
    /** Longer side of a thumbnail when the client names no viewport. */
    public static final int THUMBNAIL_SIDE = 256;

    @PersistenceContext(unitName = "archive")
    EntityManager em;
    @Inject
    RetrieveService retrieve;
    @Inject
    DecodingService decoding;

    /** Renders frame {@code frameNumber} (1-based) of an instance. */
    public Rendition renderFrame(StoredInstance instance, int frameNumber, RenderParameters p)
            throws IOException, NotDecodableException, FrameNotAvailableException {
        FrameIndex index = retrieve.frameIndex(instance);
        retrieve.checkFrame(instance, index, frameNumber);
        ImageDescription d = decodable(instance);
        return compose(instance, index, d, d.columns(), d.rows(), 1, 1, frameNumber, p);
    }

    /** Renders an instance: the total pixel matrix of a tiled whole-slide level, else its first frame. */
    public Rendition renderInstance(StoredInstance instance, RenderParameters p)
            throws IOException, NotDecodableException, FrameNotAvailableException {
        FrameIndex index = retrieve.frameIndex(instance);
        retrieve.checkFrame(instance, index, 1);
        ImageDescription d = decodable(instance);
        if (d.tiledFull() && index.frameCount() >= d.tilesAcross() * d.tilesDown()) {
            return compose(instance, index, d, d.totalPixelMatrixColumns(), d.totalPixelMatrixRows(), d.tilesAcross(),
                    d.tilesDown(), 1, p);
        }
        return compose(instance, index, d, d.columns(), d.rows(), 1, 1, 1, p);
    }

    /**
     * Frame {@code frameNumber} re-encoded as baseline JPEG (8 bits, windowed when monochrome): the rendition of a
     * frame stored in a syntax browsers cannot decode (JPEG 2000, RLE, native), for clients that accept only image/jpeg.
     */
    public byte[] baselineJpeg(StoredInstance instance, FrameIndex index, int frameNumber, int quality)
            throws IOException, NotDecodableException, FrameNotAvailableException {
        ImageDescription d = decodable(instance);
        BufferedImage image = Renderer.toImage(decoding.decodeFrame(instance, index, frameNumber), d,
                Renderer.window(d, RenderParameters.parse(RenderParameters.JPEG, java.util.Map.of())));
        return Renderer.jpeg(image, quality);
    }

    /** Whether an instance can be rendered whole within {@link #MAX_TILES}. */
    public boolean renderableWhole(StoredInstance instance) throws IOException {
        ImageDescription d = decoding.description(instance);
        return FrameDecoder.whyNotDecodable(d) == null
                && (!d.tiledFull() || (long) d.tilesAcross() * d.tilesDown() <= MAX_TILES);
    }

    private ImageDescription decodable(StoredInstance instance) throws IOException, NotDecodableException {
        ImageDescription d = decoding.description(instance);
        String why = FrameDecoder.whyNotDecodable(d);
        if (why != null) throw new NotDecodableException(why);
        return d;
    }

    /**
     * Draws the region of a width×height image made of across×down tiles (frames {@code firstFrame} onwards, row by
     * row) into a canvas of the output size.
     */
    private Rendition compose(StoredInstance instance, FrameIndex index, ImageDescription d, long width, long height,
                              int across, int down, int firstFrame, RenderParameters p)
            throws IOException, NotDecodableException, FrameNotAvailableException {
        long sx = 0, sy = 0, sw = width, sh = height;
        if (p.cropWidth() > 0) {
            if (p.cropX() >= width || p.cropY() >= height) {
                throw new IllegalArgumentException("viewport region starts outside the " + width + "x" + height + " image");
            }
            sx = p.cropX();
            sy = p.cropY();
            sw = Math.min(p.cropWidth(), width - sx);
            sh = Math.min(p.cropHeight(), height - sy);
        }
        int tileW = across == 1 ? (int) width : d.columns(), tileH = down == 1 ? (int) height : d.rows();
        int tx0 = (int) (sx / tileW), tx1 = (int) ((sx + sw - 1) / tileW), ty0 = (int) (sy / tileH), ty1 = (int) ((sy + sh - 1) / tileH);
        long tiles = (long) (tx1 - tx0 + 1) * (ty1 - ty0 + 1);
        if (tiles > MAX_TILES) {
            throw new NotDecodableException("the region needs " + tiles + " tiles, more than the " + MAX_TILES
                    + " one rendition may decode; render a smaller pyramid level, a smaller region (viewport=vw,vh,sx,sy,sw,sh) or a frame");
        }
        int[] size = Renderer.outputSize(sw, sh, p);
        double scaleX = size[0] / (double) sw, scaleY = size[1] / (double) sh;
        Renderer.Window window = Renderer.window(d, p);
        BufferedImage canvas = new BufferedImage(size[0], size[1], d.monochrome() ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        try {
            for (int ty = ty0; ty <= ty1; ty++) {
                for (int tx = tx0; tx <= tx1; tx++) {
                    int frame = firstFrame + ty * across + tx;
                    BufferedImage tile = Renderer.toImage(decoding.decodeFrame(instance, index, frame), d, window);
                    long x0 = (long) tx * tileW, y0 = (long) ty * tileH;
                    long ix0 = Math.max(x0, sx), iy0 = Math.max(y0, sy);
                    long ix1 = Math.min(Math.min(x0 + tileW, width), Math.min(sx + sw, x0 + tile.getWidth()));
                    long iy1 = Math.min(Math.min(y0 + tileH, height), Math.min(sy + sh, y0 + tile.getHeight()));
                    if (ix1 <= ix0 || iy1 <= iy0) continue;
                    BufferedImage part = tile.getSubimage((int) (ix0 - x0), (int) (iy0 - y0), (int) (ix1 - ix0), (int) (iy1 - iy0));
                    int dx0 = (int) Math.round((ix0 - sx) * scaleX), dx1 = (int) Math.round((ix1 - sx) * scaleX);
                    int dy0 = (int) Math.round((iy0 - sy) * scaleY), dy1 = (int) Math.round((iy1 - sy) * scaleY);
                    if (dx1 <= dx0 || dy1 <= dy0) continue;
                    g.drawImage(Renderer.scaled(part, dx1 - dx0, dy1 - dy0), dx0, dy0, null);
                }
            }
        } finally {
            g.dispose();
        }
        byte[] body = Renderer.encode(canvas, p, d.iccProfile());
        return new Rendition(body, p.mediaType(), size[0], size[1]);
    }

    // ---- thumbnails -------------------------------------------------------------------------------------------

    /** One image instance as the index knows it, for choosing what a thumbnail shows. */
    public record Candidate(String seriesUid, String sopUid, String imageType, Long totalColumns, Long totalRows,
                     Integer rows, Integer columns, Integer frames) {
        String flavor() {
            if (imageType == null) return "";
            String[] v = imageType.split("\\\\");
            return v.length > 2 ? v[2].trim().toUpperCase() : "";
        }

        long maxSide() {
            long w = totalColumns != null && totalColumns > 0 ? totalColumns : columns;
            long h = totalRows != null && totalRows > 0 ? totalRows : rows;
            return Math.max(w, h);
        }

        /** THUMBNAIL first, then the pyramid (VOLUME), then anything but the label, the label last (it may show PHI). */
        int preference() {
            return switch (flavor()) {
                case "THUMBNAIL" -> 0;
                case "VOLUME" -> 1;
                case "OVERVIEW" -> 2;
                case "LABEL" -> 4;
                default -> 3;
            };
        }
    }

    /**
     * The instance that shows a study or series best in a thumbnail of {@code side} pixels: a THUMBNAIL image, else
     * the smallest VOLUME level still at least {@code side} pixels on its longer side (else the largest smaller one),
     * else an overview, another image, and the label last.
     */
    @Transactional
    public Optional<StoredInstance> thumbnailSource(String studyUid, String seriesUid, int side) {
        String jpql = "select new org.wsiarchive.core.render.RenderService$Candidate(se.seriesInstanceUid, i.sopInstanceUid,"
                + " i.imageType, i.totalPixelMatrixColumns, i.totalPixelMatrixRows, i.rows, i.columns, i.numberOfFrames)"
                + " from Instance i join i.series se join se.study st where st.studyInstanceUid = :study"
                + " and i.rows is not null and i.columns is not null" + (seriesUid != null ? " and se.seriesInstanceUid = :series" : "")
                + " order by se.pk, i.instanceNumber, i.pk";
        var q = em.createQuery(jpql, Candidate.class).setParameter("study", studyUid);
        if (seriesUid != null) q.setParameter("series", seriesUid);
        List<Candidate> all = q.getResultList();
        if (all.isEmpty()) return Optional.empty();
        int best = all.stream().mapToInt(Candidate::preference).min().orElseThrow();
        List<Candidate> preferred = all.stream().filter(c -> c.preference() == best).toList();
        Optional<Candidate> chosen = preferred.stream().filter(c -> c.maxSide() >= side)
                .min(Comparator.comparingLong(Candidate::maxSide));
        if (chosen.isEmpty()) chosen = preferred.stream().max(Comparator.comparingLong(Candidate::maxSide));
        Candidate c = chosen.orElseThrow();
        return retrieve.find(studyUid, c.seriesUid(), c.sopUid()).stream().findFirst();
    }
}
