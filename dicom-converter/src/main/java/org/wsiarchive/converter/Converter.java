package org.wsiarchive.converter;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.wsiarchive.converter.dicom.SeriesContext;
import org.wsiarchive.converter.dicom.Uids;
import org.wsiarchive.converter.dicom.WsiInstanceWriter;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.pyramid.LowerLevels;
import org.wsiarchive.converter.source.J2kInfo;
import org.wsiarchive.converter.source.SlideReaders;
import org.wsiarchive.converter.source.SourceException;
import org.wsiarchive.converter.source.TiffImages;

/**
 * Converts one slide file into DICOM VL Whole Slide Microscopy instances (one per pyramid level, plus thumbnail,
 * overview and label), copying compressed tiles without re-encoding; only OpenSlide-read slides and generated lower
 * levels are re-encoded (lossy JPEG, recorded as such). Output is written into a temporary directory
 * inside the output directory and moved into place only when every instance was written.
 */
public final class Converter {

    /** Nominal physical size of a slide (mm) used to estimate the spacing of overview and label images. */
    static final double SLIDE_LENGTH_MM = 76.0;
    static final double SLIDE_WIDTH_MM = 26.0;

    private Converter() {
    }

    public static ConversionResult convert(Path input, Path outputDir, SlideMetadata metadata, ConversionOptions options)
            throws IOException {
        return convert(input, outputDir, metadata, options, ProgressListener.NONE);
    }

    /** As {@link #convert(Path, Path, SlideMetadata, ConversionOptions)}, reporting every written frame to {@code progress}. */
    public static ConversionResult convert(Path input, Path outputDir, SlideMetadata metadata, ConversionOptions options,
                                           ProgressListener progress) throws IOException {
        Files.createDirectories(outputDir);
        Path tmp = outputDir.resolve(".wsi2dicom-" + UUID.randomUUID() + ".tmp");
        List<Path> moved = new ArrayList<>();
        List<SlideImage> images = new ArrayList<>();
        try (Slide slide = SlideReaders.open(input, options.reader(), options.jpegQuality())) {
            if (slide.levels().isEmpty()) {
                throw new SourceException("no pyramid level found in " + input.getFileName());
            }
            if (options.verifyTiles()) {
                verify(slide);
            }
            List<String> warnings = new ArrayList<>(slide.warnings());

            // resolution
            boolean estimated = false;
            double mppX = slide.mppX();
            double mppY = slide.mppY();
            if (!Double.isNaN(options.mppOverride())) {
                mppX = options.mppOverride();
                mppY = options.mppOverride();
            } else if (Double.isNaN(mppX) || Double.isNaN(mppY)) {
                mppX = options.defaultMpp();
                mppY = options.defaultMpp();
                estimated = true;
                warnings.add("the source records no pixel spacing; assumed " + options.defaultMpp()
                        + " um/pixel (override with --mpp)");
            }
            SlideImage base = slide.baseLevel();
            double volW = base.width() * mppX / 1000.0;
            double volH = base.height() * mppY / 1000.0;

            for (SlideImage lv : slide.levels()) {
                // a reader that knows each level's own calibration (Philips XML) keeps it, scaled by --mpp if given;
                // otherwise the spacing follows from the level's size relative to the imaged volume
                boolean ownSpacing = !estimated && !Double.isNaN(lv.pixelSpacingXmm()) && !Double.isNaN(lv.pixelSpacingYmm());
                images.add(ownSpacing
                        ? lv.withSpacing(lv.pixelSpacingXmm() * mppX / slide.mppX(), lv.pixelSpacingYmm() * mppY / slide.mppY(), false)
                        : lv.withSpacing(volW / lv.width(), volH / lv.height(), estimated));
            }
            if (options.generateLowerLevels()) {
                images.addAll(LowerLevels.generate(List.copyOf(images), options.jpegQuality(), warnings));
            }
            for (SlideImage a : slide.associated()) {
                if ((a.flavor() == ImageFlavor.LABEL && !options.includeLabel())
                        || (a.flavor() == ImageFlavor.OVERVIEW && !options.includeOverview())
                        || (a.flavor() == ImageFlavor.THUMBNAIL && !options.includeThumbnail())) {
                    continue;
                }
                if (a.flavor() == ImageFlavor.THUMBNAIL) {
                    images.add(a.withSpacing(volW / a.width(), volH / a.height(), estimated));
                } else {
                    double s = a.flavor() == ImageFlavor.OVERVIEW
                            ? Math.max(SLIDE_LENGTH_MM / Math.max(a.width(), a.height()), SLIDE_WIDTH_MM / Math.min(a.width(), a.height()))
                            : SLIDE_WIDTH_MM / Math.max(a.width(), a.height());
                    images.add(a.withSpacing(s, s, true));
                }
            }

            String stem = input.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            LocalDateTime now = LocalDateTime.now();
            String date = now.format(DateTimeFormatter.ofPattern("yyyyMMdd"));
            String time = now.format(DateTimeFormatter.ofPattern("HHmmss"));
            String containerId = metadata.get("ContainerIdentifier", stem);
            String softwareVersions = slide.properties().getOrDefault("SoftwareVersions", "Unknown");
            SeriesContext ctx = new SeriesContext(
                    metadata.get("StudyInstanceUID", Uids.newUid()),
                    metadata.get("SeriesInstanceUID", Uids.newUid()),
                    Uids.newUid(), Uids.newUid(),
                    containerId, metadata.get("SpecimenIdentifier", containerId),
                    metadata.get("SpecimenUID", Uids.newUid()),
                    date, time, slide.acquisitionDateTime() != null ? slide.acquisitionDateTime() : date + time,
                    metadata.asMap(),
                    nz(slide.manufacturer()), nz(slide.modelName()), nz(slide.deviceSerial()), softwareVersions,
                    slide.objectivePower(),
                    slide.iccProfile() != null ? slide.iccProfile()
                            : java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData(),
                    slide.format(), options.depthMicrons(), volW, volH, slide.opticalPaths());

            List<String> names = new ArrayList<>();
            List<Integer> levelNumbers = new ArrayList<>();
            long paths = images.stream().filter(im -> im.flavor() == ImageFlavor.VOLUME)
                    .map(im -> String.valueOf(im.opticalPathId())).distinct().count();
            java.util.Map<String, Integer> perPath = new java.util.HashMap<>();
            for (SlideImage img : images) {
                if (img.flavor() == ImageFlavor.VOLUME) {
                    String key = String.valueOf(img.opticalPathId());
                    int lv = perPath.merge(key, 1, Integer::sum) - 1;
                    levelNumbers.add(lv);
                    // one instance per level and optical path when the slide has several channels
                    names.add("level-" + lv + (paths > 1 ? "-path" + img.opticalPathId() : "") + ".dcm");
                } else {
                    levelNumbers.add(-1);
                    names.add(switch (img.flavor()) {
                        case THUMBNAIL -> "thumbnail.dcm";
                        case OVERVIEW -> "overview.dcm";
                        case LABEL -> "label.dcm";
                        case VOLUME -> throw new IllegalStateException();
                    });
                }
            }
            for (String n : names) {
                if (Files.exists(outputDir.resolve(n))) {
                    throw new IOException("output file " + outputDir.resolve(n) + " already exists");
                }
            }
            Files.createDirectory(tmp);
            List<ConversionResult.Instance> written = new ArrayList<>();
            ConversionProgress tracker = new ConversionProgress(progress, images.size(),
                    images.stream().mapToLong(im -> im.frames().frameCount()).sum());
            for (int i = 0; i < images.size(); i++) {
                SlideImage img = images.get(i);
                boolean isLevel = img.flavor() == ImageFlavor.VOLUME;
                int levelNo = levelNumbers.get(i);
                img.frames().prepare(tmp);
                WsiInstanceWriter.Written w = WsiInstanceWriter.write(tmp.resolve(names.get(i)), img, ctx, i + 1,
                        isLevel && levelNo == 0, tracker.instance(i, names.get(i)));
                written.add(new ConversionResult.Instance(outputDir.resolve(names.get(i)), w.sopInstanceUid(),
                        img.flavor(), isLevel ? levelNo : -1, img.width(), img.height(), img.tileWidth(),
                        img.tileHeight(), w.stats().frames(), w.stats().frameBytes(),
                        img.encoding().transferSyntaxUid(), img.photometric(),
                        img.encoding() != PixelEncoding.NATIVE && img.frames().lossless(), img.frames().lossless(),
                        w.stats().extendedOffsetTable(), img.note()));
            }
            for (String n : names) {
                Path target = outputDir.resolve(n);
                try {
                    Files.move(tmp.resolve(n), target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp.resolve(n), target);
                }
                moved.add(target);
            }
            release(images);
            deleteTree(tmp);
            return new ConversionResult(outputDir, slide.format(), ctx.studyUid(), ctx.seriesUid(),
                    mppX, estimated, written, warnings);
        } catch (IOException | RuntimeException e) {
            try {
                release(images);
            } catch (IOException r) {
                e.addSuppressed(r);
            }
            for (Path p : moved) {
                Files.deleteIfExists(p);
            }
            deleteTree(tmp);
            throw e;
        }
    }

    /** Frees the scratch files of re-encoded frames (they live in the temp directory, which is removed anyway). */
    private static void release(List<SlideImage> images) throws IOException {
        for (SlideImage img : images) {
            img.frames().release();
        }
    }

    private static String nz(String s) {
        return s == null || s.isBlank() ? "Unknown" : s;
    }

    /** Cheap checks of the tile data: decode the first JPEG tile of every level, parse J2K tile headers. */
    static void verify(Slide slide) throws IOException {
        for (int i = 0; i < slide.levels().size(); i++) {
            SlideImage lv = slide.levels().get(i);
            var tf = lv.frames();
            if (tf.frameCount() == 0) {
                continue;
            }
            int last = tf.frameCount() - 1;
            if (lv.encoding() == PixelEncoding.JPEG_BASELINE) {
                for (int f : new int[] {0, last}) {
                    try {
                        var img = TiffImages.decodeJpeg(tf.frameBytes(f));
                        if (img == null || img.getWidth() != lv.tileWidth() || img.getHeight() != lv.tileHeight()) {
                            throw new IOException("decoded size differs from the tile size");
                        }
                    } catch (IOException | RuntimeException e) {
                        throw new SourceException("corrupt tile data: level " + i + " tile " + f
                                + " cannot be decoded as JPEG (" + e.getMessage() + ")", e);
                    }
                }
            } else if (lv.encoding() == PixelEncoding.JPEG_2000) {
                for (int f : new int[] {0, last}) {
                    byte[] b = tf.frameBytes(f);
                    J2kInfo info = J2kInfo.parse(b);
                    boolean eoc = b.length > 2 && (b[b.length - 2] & 0xFF) == 0xFF && (b[b.length - 1] & 0xFF) == 0xD9;
                    if (info == null || !eoc) {
                        throw new SourceException("corrupt tile data: level " + i + " tile " + f
                                + " is not a complete JPEG 2000 codestream");
                    }
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
