package org.wsiarchive.converter;

import java.nio.file.Path;
import java.util.List;
import org.wsiarchive.converter.model.ImageFlavor;

/** What a conversion produced. */
public record ConversionResult(Path outputDir, String sourceFormat, String studyUid, String seriesUid,
                               double mpp, boolean mppEstimated, List<Instance> instances, List<String> warnings) {

    /** One written instance. */
    public record Instance(Path file, String sopInstanceUid, ImageFlavor flavor, int level, int width, int height,
                           int tileWidth, int tileHeight, int frames, long frameBytes, String transferSyntaxUid,
                           String photometric, boolean copied, boolean pixelsPreserved, boolean extendedOffsetTable,
                           String note) {
        public String mode() {
            if (copied) {
                return "copied";
            }
            if (pixelsPreserved) {
                return "decoded(lossless)";
            }
            // an encapsulated transfer syntax that was not copied: decoded and encoded again
            return "1.2.840.10008.1.2.1".equals(transferSyntaxUid) ? "decoded" : "re-encoded(lossy)";
        }
    }

    /** True when no pixel value changed: compressed data copied, or losslessly decoded and stored native. */
    public boolean allPixelsPreserved() {
        return instances.stream().allMatch(Instance::pixelsPreserved);
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("Converted ").append(sourceFormat).append(" -> ").append(outputDir).append('\n');
        sb.append(String.format("  Study %s, series %s%n", studyUid, seriesUid));
        sb.append(String.format("  Level-0 resolution: %s um/pixel%s%n", org.wsiarchive.converter.dicom.Attrs.ds(mpp),
                mppEstimated ? " (NOT in the source: nominal estimate, use --mpp)" : ""));
        long totalFrames = 0;
        long totalBytes = 0;
        for (Instance i : instances) {
            String what = i.flavor() == ImageFlavor.VOLUME ? "level " + i.level() : i.flavor().name().toLowerCase();
            sb.append(String.format("  %-10s %6dx%-6d tiles %4dx%-4d frames %6d  %,12d bytes  %-12s %-22s %-17s %s%n",
                    what, i.width(), i.height(), i.tileWidth(), i.tileHeight(), i.frames(), i.frameBytes(),
                    i.photometric(), i.transferSyntaxUid(), i.mode(),
                    i.file().getFileName()));
            totalFrames += i.frames();
            totalBytes += i.frameBytes();
        }
        long levels = instances.stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).count();
        long reencoded = instances.stream().filter(i -> i.mode().startsWith("re-encoded")).count();
        sb.append(String.format("  %d levels, %d instances, %d frames, %,d bytes of pixel data; %s%n", levels,
                instances.size(), totalFrames, totalBytes,
                allPixelsPreserved() ? "lossless conversion (compressed data copied byte for byte or lossless source decoded; no re-encoding)"
                        : reencoded > 0
                        ? "lossy: " + reencoded + " of them decoded and re-encoded as JPEG (OpenSlide regions or generated "
                        + "levels), the others copied or decoded without loss"
                        : "NOT lossless: some images were decoded from a lossy source and stored uncompressed"));
        for (String w : warnings) {
            sb.append("  warning: ").append(w).append('\n');
        }
        return sb.toString();
    }
}
