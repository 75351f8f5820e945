package org.wsiarchive.converter.tiff;

/** Numbers of the baseline and extension TIFF tags the converter reads. */
public final class TiffTags {
    private TiffTags() {
    }

    public static final int NEW_SUBFILE_TYPE = 254;
    public static final int IMAGE_WIDTH = 256;
    public static final int IMAGE_LENGTH = 257;
    public static final int BITS_PER_SAMPLE = 258;
    public static final int COMPRESSION = 259;
    public static final int PHOTOMETRIC = 262;
    public static final int IMAGE_DESCRIPTION = 270;
    public static final int STRIP_OFFSETS = 273;
    public static final int SAMPLES_PER_PIXEL = 277;
    public static final int ROWS_PER_STRIP = 278;
    public static final int STRIP_BYTE_COUNTS = 279;
    public static final int X_RESOLUTION = 282;
    public static final int Y_RESOLUTION = 283;
    public static final int PLANAR_CONFIGURATION = 284;
    public static final int RESOLUTION_UNIT = 296;
    public static final int SOFTWARE = 305;
    public static final int PREDICTOR = 317;
    public static final int TILE_WIDTH = 322;
    public static final int TILE_LENGTH = 323;
    public static final int TILE_OFFSETS = 324;
    public static final int TILE_BYTE_COUNTS = 325;
    public static final int SUB_IFDS = 330;
    public static final int SAMPLE_FORMAT = 339;
    public static final int JPEG_TABLES = 347;
    public static final int YCBCR_SUBSAMPLING = 530;
    public static final int ICC_PROFILE = 34675;

    /** Compression values. */
    public static final int COMPRESSION_NONE = 1;
    public static final int COMPRESSION_LZW = 5;
    public static final int COMPRESSION_OJPEG = 6;
    public static final int COMPRESSION_JPEG = 7;
    public static final int COMPRESSION_DEFLATE = 8;
    public static final int COMPRESSION_ADOBE_DEFLATE = 32946;
    /** Aperio JPEG 2000 with YCbCr data (codestream without multi-component transform). */
    public static final int COMPRESSION_APERIO_J2K_YCBCR = 33003;
    /** Aperio JPEG 2000 with RGB data (codestream with multi-component transform). */
    public static final int COMPRESSION_APERIO_J2K_RGB = 33005;
    public static final int COMPRESSION_JPEG2000 = 34712;

    public static final int PHOTOMETRIC_MINISBLACK = 1;
    public static final int PHOTOMETRIC_RGB = 2;
    public static final int PHOTOMETRIC_YCBCR = 6;
}
