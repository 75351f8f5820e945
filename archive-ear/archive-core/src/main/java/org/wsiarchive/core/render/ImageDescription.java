package org.wsiarchive.core.render;

import com.pixelmed.dicom.*;

/**
 * What a decoder and a renderer need to know about the pixels of one stored instance: the Image Pixel module,
 * the windowing the producer recommends, the ICC profile, and the tiling of a whole-slide image. Read once from the
 * stored header (never from Pixel Data) and cached by the {@link RenderService}.
 *
 * @param iccProfile   the ICC profile of the first optical path (WSI) or of the top-level ICC Profile (0028,2000), or null
 * @param windowCenter NaN when the header recommends none
 */
public record ImageDescription(String transferSyntaxUid, int rows, int columns, int samplesPerPixel, int bitsAllocated,
                               int bitsStored, int pixelRepresentation, String photometricInterpretation,
                               int planarConfiguration, int numberOfFrames, double windowCenter, double windowWidth,
                               String voiLutFunction, double rescaleSlope, double rescaleIntercept, byte[] iccProfile,
                               String imageType, String dimensionOrganizationType, long totalPixelMatrixColumns,
                               long totalPixelMatrixRows, boolean lossyCompressed) {

    public static ImageDescription of(AttributeList list, String transferSyntaxUid) {
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8);
        double center = Double.NaN, width = Double.NaN;
        String function = null;
        AttributeList voi = list;
        // enhanced objects (and some WSI) carry windowing in the shared functional groups' Frame VOI LUT Sequence
        AttributeList shared = firstItem(list, TagFromName.SharedFunctionalGroupsSequence);
        if (list.get(TagFromName.WindowCenter) == null && shared != null) {
            AttributeList frameVoi = firstItem(shared, TagFromName.FrameVOILUTSequence);
            if (frameVoi != null) voi = frameVoi;
        }
        String c = Attribute.getSingleStringValueOrNull(voi, TagFromName.WindowCenter);
        String w = Attribute.getSingleStringValueOrNull(voi, TagFromName.WindowWidth);
        if (c != null && w != null) {
            try {
                center = Double.parseDouble(c.trim());
                width = Double.parseDouble(w.trim());
                function = Attribute.getSingleStringValueOrNull(voi, TagFromName.VOILUTFunction);
            } catch (NumberFormatException ignored) {
                center = width = Double.NaN;
            }
        }
        AttributeList rescale = list;
        if (list.get(TagFromName.RescaleSlope) == null && shared != null) {
            AttributeList pvt = firstItem(shared, TagFromName.PixelValueTransformationSequence);
            if (pvt != null) rescale = pvt;
        }
        double slope = Attribute.getSingleDoubleValueOrDefault(rescale, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(rescale, TagFromName.RescaleIntercept, 0.0);
        byte[] icc = binary(list.get(TagFromName.ICCProfile));
        if (icc == null) {
            AttributeList opticalPath = firstItem(list, TagFromName.OpticalPathSequence);
            if (opticalPath != null) icc = binary(opticalPath.get(TagFromName.ICCProfile));
        }
        String lossy = Attribute.getSingleStringValueOrNull(list, TagFromName.LossyImageCompression);
        return new ImageDescription(transferSyntaxUid, rows, columns,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1), bitsAllocated,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0),
                trimmed(Attribute.getSingleStringValueOrDefault(list, TagFromName.PhotometricInterpretation, "MONOCHROME2")),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1),
                center, width, function == null ? null : function.trim(), slope, intercept, icc,
                Attribute.getDelimitedStringValuesOrNull(list, TagFromName.ImageType),
                Attribute.getSingleStringValueOrNull(list, TagFromName.DimensionOrganizationType),
                Attribute.getSingleLongValueOrDefault(list, TagFromName.TotalPixelMatrixColumns, 0),
                Attribute.getSingleLongValueOrDefault(list, TagFromName.TotalPixelMatrixRows, 0),
                lossy != null && lossy.trim().equals("01"));
    }

    public boolean monochrome() {
        return photometricInterpretation.startsWith("MONOCHROME");
    }

    /** Tiles of one focal plane and optical path of a TILED_FULL whole-slide image, row by row; 0 when not tiled. */
    public int tilesAcross() {
        return totalPixelMatrixColumns > 0 && columns > 0 ? (int) ((totalPixelMatrixColumns + columns - 1) / columns) : 0;
    }

    public int tilesDown() {
        return totalPixelMatrixRows > 0 && rows > 0 ? (int) ((totalPixelMatrixRows + rows - 1) / rows) : 0;
    }

    /**
     * Whether the frames tile the total pixel matrix implicitly (TILED_FULL, or the absence of the attribute on a
     * multi-frame WSI whose frame count is exactly one plane of tiles).
     */
    public boolean tiledFull() {
        if (tilesAcross() == 0) return false;
        if (dimensionOrganizationType != null) return dimensionOrganizationType.trim().equals("TILED_FULL");
        return numberOfFrames == tilesAcross() * tilesDown();
    }

    /** Bytes of one native frame, samples interleaved. */
    public long frameBytes() {
        return (long) rows * columns * samplesPerPixel * (bitsAllocated / 8);
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    private static AttributeList firstItem(AttributeList list, AttributeTag sequence) {
        Attribute a = list.get(sequence);
        if (a instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0) {
            return seq.getItem(0).getAttributeList();
        }
        return null;
    }

    private static byte[] binary(Attribute a) {
        if (a == null || a.getVL() == 0) return null;
        try {
            return a.getByteValues();
        } catch (DicomException e) {
            return null;
        }
    }
}
