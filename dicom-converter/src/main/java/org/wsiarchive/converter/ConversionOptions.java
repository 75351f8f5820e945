package org.wsiarchive.converter;

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
 */
public record ConversionOptions(boolean includeLabel, boolean includeOverview, boolean includeThumbnail,
                                double mppOverride, double defaultMpp, double depthMicrons, boolean verifyTiles) {

    public static ConversionOptions defaults() {
        return new ConversionOptions(true, true, true, Double.NaN, 0.25, 1.0, true);
    }

    public ConversionOptions withIncludeLabel(boolean v) {
        return new ConversionOptions(v, includeOverview, includeThumbnail, mppOverride, defaultMpp, depthMicrons, verifyTiles);
    }

    public ConversionOptions withMppOverride(double v) {
        return new ConversionOptions(includeLabel, includeOverview, includeThumbnail, v, defaultMpp, depthMicrons, verifyTiles);
    }

    public ConversionOptions withIncludeOverview(boolean v) {
        return new ConversionOptions(includeLabel, v, includeThumbnail, mppOverride, defaultMpp, depthMicrons, verifyTiles);
    }

    public ConversionOptions withIncludeThumbnail(boolean v) {
        return new ConversionOptions(includeLabel, includeOverview, v, mppOverride, defaultMpp, depthMicrons, verifyTiles);
    }
}
