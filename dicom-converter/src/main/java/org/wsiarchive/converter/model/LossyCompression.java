package org.wsiarchive.converter.model;

/**
 * One lossy compression step the pixels went through: one value pair of LossyImageCompressionMethod (0028,2114) and
 * LossyImageCompressionRatio (0028,2112), which list the steps oldest first.
 *
 * @param method  defined term, e.g. ISO_10918_1 (JPEG) or ISO_15444_1 (JPEG 2000)
 * @param ratio   approximate compression ratio (uncompressed bytes / compressed bytes)
 */
public record LossyCompression(String method, double ratio) {

    /** Ratio of 8-bit samples to their compressed size, rounded to two decimals as written to the header. */
    public static double ratio(long samples, long compressedBytes) {
        return compressedBytes > 0 ? Math.round((double) samples / compressedBytes * 100) / 100.0 : Double.NaN;
    }
}
