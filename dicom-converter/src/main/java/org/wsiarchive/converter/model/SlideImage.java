package org.wsiarchive.converter.model;

/**
 * One image of the slide as it will become one DICOM instance: a pyramid level or an associated image.
 *
 * @param flavor            role (VOLUME for pyramid levels)
 * @param width             total pixel matrix columns
 * @param height            total pixel matrix rows
 * @param tileWidth         frame columns (the source tile width; edge tiles are padded by the source)
 * @param tileHeight        frame rows
 * @param samplesPerPixel   1 or 3
 * @param photometric       DICOM PhotometricInterpretation of the frames as stored (RGB, YBR_ICT, YBR_FULL_422...)
 * @param encoding          frame encoding
 * @param frames            frame data
 * @param pixelSpacingXmm   column spacing in mm (horizontal, along a row)
 * @param pixelSpacingYmm   row spacing in mm (vertical)
 * @param spacingEstimated  true when the spacing is a nominal estimate, not a calibration
 * @param note              free text on how the frames were produced (for the summary)
 * @param opticalPathId     identifier of the slide's optical path this image belongs to (null: the first one)
 * @param bitsStored        bits per sample: 8, or 16 for native 16-bit channels (little-endian words)
 */
public record SlideImage(ImageFlavor flavor, int width, int height, int tileWidth, int tileHeight,
                         int samplesPerPixel, String photometric, PixelEncoding encoding, FrameSource frames,
                         double pixelSpacingXmm, double pixelSpacingYmm, boolean spacingEstimated, String note,
                         String opticalPathId, int bitsStored) {

    /** An 8-bit image of the given optical path. */
    public SlideImage(ImageFlavor flavor, int width, int height, int tileWidth, int tileHeight, int samplesPerPixel,
                      String photometric, PixelEncoding encoding, FrameSource frames, double pixelSpacingXmm,
                      double pixelSpacingYmm, boolean spacingEstimated, String note, String opticalPathId) {
        this(flavor, width, height, tileWidth, tileHeight, samplesPerPixel, photometric, encoding, frames,
                pixelSpacingXmm, pixelSpacingYmm, spacingEstimated, note, opticalPathId, 8);
    }

    /** An image of the slide's first (or only) optical path. */
    public SlideImage(ImageFlavor flavor, int width, int height, int tileWidth, int tileHeight, int samplesPerPixel,
                      String photometric, PixelEncoding encoding, FrameSource frames, double pixelSpacingXmm,
                      double pixelSpacingYmm, boolean spacingEstimated, String note) {
        this(flavor, width, height, tileWidth, tileHeight, samplesPerPixel, photometric, encoding, frames,
                pixelSpacingXmm, pixelSpacingYmm, spacingEstimated, note, null);
    }

    public int tilesAcross() {
        return (width + tileWidth - 1) / tileWidth;
    }

    public int tilesDown() {
        return (height + tileHeight - 1) / tileHeight;
    }

    public SlideImage withSpacing(double xmm, double ymm, boolean estimated) {
        return new SlideImage(flavor, width, height, tileWidth, tileHeight, samplesPerPixel, photometric, encoding,
                frames, xmm, ymm, estimated, note, opticalPathId, bitsStored);
    }

    public SlideImage withOpticalPath(String id) {
        return new SlideImage(flavor, width, height, tileWidth, tileHeight, samplesPerPixel, photometric, encoding,
                frames, pixelSpacingXmm, pixelSpacingYmm, spacingEstimated, note, id, bitsStored);
    }

    /** Same image with other frames and size (e.g. a tile grid cropped to the true image size, gaps filled). */
    public SlideImage withFrames(int newWidth, int newHeight, FrameSource newFrames, String newNote) {
        return new SlideImage(flavor, newWidth, newHeight, tileWidth, tileHeight, samplesPerPixel, photometric,
                encoding, newFrames, pixelSpacingXmm, pixelSpacingYmm, spacingEstimated, newNote, opticalPathId,
                bitsStored);
    }
}
