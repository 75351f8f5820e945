package org.wsiarchive.converter.dicom;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.SlideImage;

/**
 * Writes one VL Whole Slide Microscopy Image instance: the header (everything but Pixel Data) encoded by {@link DataSet} as a
 * Part 10 file, then the Pixel Data streamed by {@link PixelDataWriter}.
 */
public final class WsiInstanceWriter {

    public static final String VL_WSI_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6";
    public static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
    public static final String CONVERTER_NAME = "wsi2dicom";
    public static final String CONVERTER_VERSION = "0.1.0";

    /** Result of writing one instance. */
    public record Written(Path file, String sopInstanceUid, PixelDataWriter.Stats stats) {
    }

    private WsiInstanceWriter() {
    }

    public static Written write(Path file, SlideImage image, SeriesContext ctx, int instanceNumber, boolean isBaseLevel)
            throws IOException {
        String sopInstanceUid = Uids.newUid();
        DataSet list = header(image, ctx, instanceNumber, isBaseLevel, sopInstanceUid);
        String ts = image.encoding().transferSyntaxUid();
        addFileMetaInformation(list, sopInstanceUid, ts);
        try (org.wsiarchive.converter.tiff.ChannelOutput out = new org.wsiarchive.converter.tiff.ChannelOutput(
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE), 4 << 20)) {
            list.writePart10(out);
            PixelDataWriter.Stats stats = image.encoding().encapsulated()
                    ? PixelDataWriter.writeEncapsulated(image.frames(), out)
                    : PixelDataWriter.writeNative(image.frames(), out);
            out.flush();
            return new Written(file, sopInstanceUid, stats);
        }
    }

    /**
     * File meta information with our own implementation UID (the group length is written by
     * {@link DataSet#writePart10}).
     */
    static void addFileMetaInformation(DataSet list, String sopInstanceUid, String ts) {
        String[][] uiElements = {
                {"MediaStorageSOPClassUID", VL_WSI_SOP_CLASS},
                {"MediaStorageSOPInstanceUID", sopInstanceUid},
                {"TransferSyntaxUID", ts},
                {"ImplementationClassUID", Uids.IMPLEMENTATION_CLASS_UID},
                {"ImplementationVersionName", Uids.IMPLEMENTATION_VERSION_NAME}};
        Attrs.putBytes(list, "FileMetaInformationVersion", new byte[] {0, 1});
        for (String[] e : uiElements) {
            Attrs.put(list, e[0], e[1]);
        }
    }

    /** The optical path of an image: the one named by the image, else the slide's first. */
    static org.wsiarchive.converter.model.OpticalPath opticalPath(SlideImage image, SeriesContext ctx) {
        if (ctx.opticalPaths() == null || ctx.opticalPaths().isEmpty()) {
            return org.wsiarchive.converter.model.OpticalPath.BRIGHTFIELD;
        }
        for (var p : ctx.opticalPaths()) {
            if (p.identifier().equals(image.opticalPathId())) {
                return p;
            }
        }
        return ctx.opticalPaths().get(0);
    }

    static String[] imageType(SlideImage image, boolean isBaseLevel) {
        return switch (image.flavor()) {
            case VOLUME -> isBaseLevel
                    ? new String[] {"ORIGINAL", "PRIMARY", "VOLUME", "NONE"}
                    : new String[] {"DERIVED", "PRIMARY", "VOLUME", "RESAMPLED"};
            case THUMBNAIL -> new String[] {"DERIVED", "PRIMARY", "THUMBNAIL", "RESAMPLED"};
            case LABEL -> new String[] {"ORIGINAL", "PRIMARY", "LABEL", "NONE"};
            case OVERVIEW -> new String[] {"ORIGINAL", "PRIMARY", "OVERVIEW", "NONE"};
        };
    }

    static DataSet header(SlideImage image, SeriesContext ctx, int instanceNumber, boolean isBaseLevel,
                                String sopInstanceUid) throws IOException {
        DataSet l = new DataSet();
        var md = ctx.metadata();
        boolean nonAscii = md.values().stream().anyMatch(v -> v.chars().anyMatch(c -> c > 127));
        if (nonAscii) {
            Attrs.put(l, "SpecificCharacterSet", "ISO_IR 192");
        }
        String[] imageType = imageType(image, isBaseLevel);

        // SOP Common
        Attrs.put(l, "SOPClassUID", VL_WSI_SOP_CLASS);
        Attrs.put(l, "SOPInstanceUID", sopInstanceUid);
        Attrs.put(l, "InstanceCreationDate", ctx.contentDate());
        Attrs.put(l, "InstanceCreationTime", ctx.contentTime());

        // Patient
        Attrs.put(l, "PatientName", md.getOrDefault("PatientName", ""));
        Attrs.put(l, "PatientID", md.getOrDefault("PatientID", ""));
        if (md.containsKey("IssuerOfPatientID")) {
            Attrs.put(l, "IssuerOfPatientID", md.get("IssuerOfPatientID"));
        }
        Attrs.put(l, "PatientBirthDate", md.getOrDefault("PatientBirthDate", ""));
        Attrs.put(l, "PatientSex", md.getOrDefault("PatientSex", ""));

        // General Study
        Attrs.put(l, "StudyInstanceUID", ctx.studyUid());
        String acqDate = ctx.acquisitionDateTime().substring(0, 8);
        String acqTime = ctx.acquisitionDateTime().length() > 8 ? ctx.acquisitionDateTime().substring(8) : "";
        Attrs.put(l, "StudyDate", md.getOrDefault("StudyDate", acqDate));
        Attrs.put(l, "StudyTime", md.getOrDefault("StudyTime", acqTime));
        Attrs.put(l, "ReferringPhysicianName", md.getOrDefault("ReferringPhysicianName", ""));
        Attrs.put(l, "StudyID", md.getOrDefault("StudyID", ""));
        Attrs.put(l, "AccessionNumber", md.getOrDefault("AccessionNumber", ""));
        if (md.containsKey("StudyDescription")) {
            Attrs.put(l, "StudyDescription", md.get("StudyDescription"));
        }

        // General Series + Whole Slide Microscopy Series
        Attrs.put(l, "Modality", "SM");
        Attrs.put(l, "SeriesInstanceUID", ctx.seriesUid());
        Attrs.put(l, "SeriesNumber", md.getOrDefault("SeriesNumber", "1"));
        Attrs.put(l, "SeriesDescription", md.getOrDefault("SeriesDescription", "Converted from " + ctx.sourceFormat()));

        // Frame of Reference
        Attrs.put(l, "FrameOfReferenceUID", ctx.frameOfReferenceUid());
        Attrs.put(l, "PositionReferenceIndicator", "SLIDE_CORNER");

        // General / Enhanced General Equipment
        Attrs.put(l, "Manufacturer", ctx.manufacturer());
        Attrs.put(l, "ManufacturerModelName", ctx.modelName());
        Attrs.put(l, "DeviceSerialNumber", ctx.deviceSerial());
        Attrs.put(l, "SoftwareVersions", ctx.softwareVersions());
        if (md.containsKey("InstitutionName")) {
            Attrs.put(l, "InstitutionName", md.get("InstitutionName"));
        }
        if (md.containsKey("InstitutionalDepartmentName")) {
            Attrs.put(l, "InstitutionalDepartmentName", md.get("InstitutionalDepartmentName"));
        }
        DataSet contrib = Attrs.item();
        Attrs.seq(contrib, "PurposeOfReferenceCodeSequence", Attrs.code("109103", "DCM", "Modifying Equipment"));
        Attrs.put(contrib, "Manufacturer", "WSI Archive");
        Attrs.put(contrib, "ManufacturerModelName", CONVERTER_NAME);
        Attrs.put(contrib, "SoftwareVersions", CONVERTER_VERSION);
        Attrs.put(contrib, "ContributionDateTime", ctx.contentDate() + ctx.contentTime());
        Attrs.put(contrib, "ContributionDescription", "Converted from " + ctx.sourceFormat()
                + (image.frames().lossless() ? "; compressed data copied without re-encoding" : "; decoded, stored uncompressed"));
        Attrs.seq(l, "ContributingEquipmentSequence", contrib);

        // General Image / Image Pixel / Multi-frame / Whole Slide Microscopy Image
        Attrs.putInt(l, "InstanceNumber", instanceNumber);
        Attrs.put(l, "ContentDate", ctx.contentDate());
        Attrs.put(l, "ContentTime", ctx.contentTime());
        Attrs.put(l, "AcquisitionDateTime", ctx.acquisitionDateTime());
        Attrs.put(l, "ImageType", imageType);
        boolean color = image.samplesPerPixel() == 3;
        Attrs.putInt(l, "SamplesPerPixel", image.samplesPerPixel());
        Attrs.put(l, "PhotometricInterpretation", image.photometric());
        if (color) {
            Attrs.putInt(l, "PlanarConfiguration", 0);
        }
        Attrs.putInt(l, "Rows", image.tileHeight());
        Attrs.putInt(l, "Columns", image.tileWidth());
        Attrs.putInt(l, "BitsAllocated", 8);
        Attrs.putInt(l, "BitsStored", 8);
        Attrs.putInt(l, "HighBit", 7);
        Attrs.putInt(l, "PixelRepresentation", 0);
        Attrs.put(l, "NumberOfFrames", Integer.toString(image.frames().frameCount()));
        if (!color) {
            // Whole Slide Microscopy Image module: required for MONOCHROME2
            Attrs.put(l, "PresentationLUTShape", "IDENTITY");
            Attrs.putDs(l, "RescaleIntercept", 0);
            Attrs.putDs(l, "RescaleSlope", 1);
        }
        Attrs.put(l, "BurnedInAnnotation",
                image.flavor() == ImageFlavor.LABEL || image.flavor() == ImageFlavor.OVERVIEW ? "YES" : "NO");
        Attrs.put(l, "SpecimenLabelInImage",
                image.flavor() == ImageFlavor.LABEL || image.flavor() == ImageFlavor.OVERVIEW ? "YES" : "NO");
        Attrs.put(l, "VolumetricProperties", "VOLUME");
        Attrs.put(l, "FocusMethod", "AUTO");
        Attrs.put(l, "ExtendedDepthOfField", "NO");
        Attrs.putInt(l, "TotalPixelMatrixColumns", image.width());
        Attrs.putInt(l, "TotalPixelMatrixRows", image.height());
        Attrs.putInt(l, "TotalPixelMatrixFocalPlanes", 1);
        Attrs.putInt(l, "NumberOfOpticalPaths", 1);
        DataSet origin = Attrs.item();
        Attrs.putDs(origin, "XOffsetInSlideCoordinateSystem", 0);
        Attrs.putDs(origin, "YOffsetInSlideCoordinateSystem", 0);
        Attrs.seq(l, "TotalPixelMatrixOriginSequence", origin);
        Attrs.putDs(l, "ImageOrientationSlide", 0, -1, 0, -1, 0, 0);
        double volW = image.flavor() == ImageFlavor.VOLUME || image.flavor() == ImageFlavor.THUMBNAIL
                ? ctx.imagedVolumeWidthMm() : image.width() * image.pixelSpacingXmm();
        double volH = image.flavor() == ImageFlavor.VOLUME || image.flavor() == ImageFlavor.THUMBNAIL
                ? ctx.imagedVolumeHeightMm() : image.height() * image.pixelSpacingYmm();
        Attrs.putFloat(l, "ImagedVolumeWidth", volW);
        Attrs.putFloat(l, "ImagedVolumeHeight", volH);
        Attrs.putFloat(l, "ImagedVolumeDepth", ctx.depthMicrons());
        if (image.spacingEstimated()) {
            Attrs.put(l, "ImageComments", "Pixel spacing is a nominal estimate: the source records no calibration for this image");
        }

        // Lossy compression: the source data was lossy-compressed already; frames are not re-encoded
        long payload = 0;
        for (int i = 0; i < image.frames().frameCount(); i++) {
            payload += image.frames().frameLength(i);
        }
        boolean lossy = image.encoding() != PixelEncoding.NATIVE ? !image.note().contains("5/3 reversible")
                : !image.frames().lossless();
        if (lossy) {
            Attrs.put(l, "LossyImageCompression", "01");
            String method = image.encoding().lossyMethod() != null ? image.encoding().lossyMethod() : "ISO_10918_1";
            Attrs.put(l, "LossyImageCompressionMethod", method);
            if (image.encoding() != PixelEncoding.NATIVE && payload > 0) {
                double raw = (double) image.frames().frameCount() * image.tileWidth() * image.tileHeight() * image.samplesPerPixel();
                Attrs.putDs(l, "LossyImageCompressionRatio", Math.round(raw / payload * 100) / 100.0);
            }
        } else {
            Attrs.put(l, "LossyImageCompression", "00");
        }

        // Multi-frame Dimension (TILED_FULL: the tile order is implicit)
        Attrs.put(l, "DimensionOrganizationType", "TILED_FULL");
        DataSet dimOrg = Attrs.item();
        Attrs.put(dimOrg, "DimensionOrganizationUID", ctx.dimensionOrgUid());
        Attrs.seq(l, "DimensionOrganizationSequence", dimOrg);
        DataSet dimCol = Attrs.item();
        Attrs.put(dimCol, "DimensionOrganizationUID", ctx.dimensionOrgUid());
        Attrs.putTag(dimCol, "DimensionIndexPointer", "ColumnPositionInTotalImagePixelMatrix");
        Attrs.putTag(dimCol, "FunctionalGroupPointer", "PlanePositionSlideSequence");
        DataSet dimRow = Attrs.item();
        Attrs.put(dimRow, "DimensionOrganizationUID", ctx.dimensionOrgUid());
        Attrs.putTag(dimRow, "DimensionIndexPointer", "RowPositionInTotalImagePixelMatrix");
        Attrs.putTag(dimRow, "FunctionalGroupPointer", "PlanePositionSlideSequence");
        Attrs.seq(l, "DimensionIndexSequence", dimCol, dimRow);

        // Shared Functional Groups
        DataSet shared = Attrs.item();
        DataSet pm = Attrs.item();
        Attrs.putDs(pm, "PixelSpacing", image.pixelSpacingYmm(), image.pixelSpacingXmm());
        Attrs.putDs(pm, "SliceThickness", ctx.depthMicrons() / 1000.0);
        Attrs.seq(shared, "PixelMeasuresSequence", pm);
        DataSet ft = Attrs.item();
        Attrs.put(ft, "FrameType", imageType);
        Attrs.seq(shared, "WholeSlideMicroscopyImageFrameTypeSequence", ft);
        DataSet opi = Attrs.item();
        Attrs.put(opi, "OpticalPathIdentifier", opticalPath(image, ctx).identifier());
        Attrs.seq(shared, "OpticalPathIdentificationSequence", opi);
        Attrs.seq(l, "SharedFunctionalGroupsSequence", shared);

        // Optical Path (one per instance: the slide's first path; multi-channel sources will write one per channel)
        org.wsiarchive.converter.model.OpticalPath path = opticalPath(image, ctx);
        DataSet op = Attrs.item();
        Attrs.put(op, "OpticalPathIdentifier", path.identifier());
        Attrs.put(op, "OpticalPathDescription", path.description());
        if (path.fluorescence()) {
            Attrs.seq(op, "IlluminationTypeCodeSequence", Attrs.code("111743", "DCM", "Epifluorescence illumination"));
        } else {
            Attrs.seq(op, "IlluminationTypeCodeSequence", Attrs.code("111744", "DCM", "Brightfield illumination"));
        }
        if (!Double.isNaN(path.excitationNm())) {
            Attrs.putFloat(op, "IlluminationWaveLength", path.excitationNm());
        } else {
            Attrs.seq(op, "IlluminationColorCodeSequence", Attrs.code("414298005", "SCT", "Full Spectrum"));
        }
        if (color && ctx.iccProfile() != null) {
            Attrs.putBytes(op, "ICCProfile", ctx.iccProfile());
        }
        if (!Double.isNaN(ctx.objectivePower())) {
            Attrs.putDs(op, "ObjectiveLensPower", ctx.objectivePower());
        }
        Attrs.seq(l, "OpticalPathSequence", op);

        // Slide Label (LABEL images): the text is only in the pixels
        if (image.flavor() == ImageFlavor.LABEL) {
            Attrs.put(l, "BarcodeValue");
            Attrs.put(l, "LabelText");
        }

        // Acquisition Context
        Attrs.seq(l, "AcquisitionContextSequence");

        // Specimen
        Attrs.put(l, "ContainerIdentifier", ctx.containerIdentifier());
        if (md.containsKey("IssuerOfTheContainerIdentifier")) {
            DataSet issuer = Attrs.item();
            Attrs.put(issuer, "LocalNamespaceEntityID", md.get("IssuerOfTheContainerIdentifier"));
            Attrs.seq(l, "IssuerOfTheContainerIdentifierSequence", issuer);
        } else {
            Attrs.seq(l, "IssuerOfTheContainerIdentifierSequence");
        }
        Attrs.seq(l, "ContainerTypeCodeSequence", Attrs.code("433466003", "SCT", "Microscope slide"));
        DataSet spec = Attrs.item();
        Attrs.put(spec, "SpecimenIdentifier", ctx.specimenIdentifier());
        Attrs.put(spec, "SpecimenUID", ctx.specimenUid());
        Attrs.seq(spec, "IssuerOfTheSpecimenIdentifierSequence");
        if (md.containsKey("SpecimenShortDescription")) {
            Attrs.put(spec, "SpecimenShortDescription", md.get("SpecimenShortDescription"));
        }
        Attrs.seq(spec, "SpecimenPreparationSequence");
        Attrs.seq(l, "SpecimenDescriptionSequence", spec);
        return l;
    }
}
