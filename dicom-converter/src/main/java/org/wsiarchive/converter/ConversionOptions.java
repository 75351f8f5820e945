package org.wsiarchive.converter;

import org.wsiarchive.converter.jpeg.JpegEncoder;
import org.wsiarchive.converter.source.ReaderChoice;

/**
 * Options of one conversion.
 *
 * @param includeLabel      write the LABEL instance (off: labels often carry identifying text)
 * @param includeOverview   write the OVERVIEW (macro) instance
 * @param includeThumbnail  write the THUMBNAIL instance
 * @param mppOverride       level-0 microns per pixel to use instead of (or when missing from) the source; NaN = none
 * @param defaultMpp        microns per pixel assumed when the source has none and no override is given (flagged as
 *                          an estimate in the output: ImageComments and the summary)
 * @param depthMicrons      imaged volume depth / slice thickness in µm when unknown (sources do not record it)
 * @param verifyTiles       decode the first JPEG tile of each level with ImageIO before writing (detects corrupt data)
 * @param reader            AUTO: lossless readers first, OpenSlide as the fallback; OPENSLIDE: always OpenSlide
 * @param generateLowerLevels add levels of half size (2x2 box filter, lossy JPEG) below the smallest source level
 *                          until the longer side is at most {@link org.wsiarchive.converter.pyramid.LowerLevels#MAX_SIDE}
 * @param jpegQuality       quality (0..1) of re-encoded JPEG frames (OpenSlide reads, generated levels)
 */
public record ConversionOptions(boolean includeLabel, boolean includeOverview, boolean includeThumbnail,
                                double mppOverride, double defaultMpp, double depthMicrons, boolean verifyTiles,
                                ReaderChoice reader, boolean generateLowerLevels, float jpegQuality) {

    public ConversionOptions(boolean includeLabel, boolean includeOverview, boolean includeThumbnail,
                             double mppOverride, double defaultMpp, double depthMicrons, boolean verifyTiles) {
        this(includeLabel, includeOverview, includeThumbnail, mppOverride, defaultMpp, depthMicrons, verifyTiles,
                ReaderChoice.AUTO, true, JpegEncoder.DEFAULT_QUALITY);
    }

    public static ConversionOptions defaults() {
        return new ConversionOptions(true, true, true, Double.NaN, 0.25, 1.0, true);
    }

    public ConversionOptions withVerifyTiles(boolean v) {
        return new ConversionOptions(includeLabel, includeOverview, includeThumbnail, mppOverride, defaultMpp,
                depthMicrons, v, reader, generateLowerLevels, jpegQuality);
    }

    public ConversionOptions withReader(ReaderChoice v) {
        return new ConversionOptions(includeLabel, includeOverview, includeThumbnail, mppOverride, defaultMpp,
                depthMicrons, verifyTiles, v, generateLowerLevels, jpegQuality);
    }

    public ConversionOptions withGenerateLowerLevels(boolean v) {
        return new ConversionOptions(includeLabel, includeOverview, includeThumbnail, mppOverride, defaultMpp,
                depthMicrons, verifyTiles, reader, v, jpegQuality);
    }

    public ConversionOptions withIncludeLabel(boolean v) {
        return new ConversionOptions(v, includeOverview, includeThumbnail, mppOverride, defaultMpp, depthMicrons, verifyTiles,
                reader, generateLowerLevels, jpegQuality);
    }

    public ConversionOptions withMppOverride(double v) {
        return new ConversionOptions(includeLabel, includeOverview, includeThumbnail, v, defaultMpp, depthMicrons, verifyTiles,
                reader, generateLowerLevels, jpegQuality);
    }

    public ConversionOptions withIncludeOverview(boolean v) {
        return new ConversionOptions(includeLabel, v, includeThumbnail, mppOverride, defaultMpp, depthMicrons, verifyTiles,
                reader, generateLowerLevels, jpegQuality);
    }

    public ConversionOptions withIncludeThumbnail(boolean v) {
        return new ConversionOptions(includeLabel, includeOverview, v, mppOverride, defaultMpp, depthMicrons, verifyTiles,
                reader, generateLowerLevels, jpegQuality);
    }
}
