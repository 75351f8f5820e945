package org.wsiarchive.converter.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.List;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.LossyCompression;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.ReencodedFrames;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.ChannelOutput;

/**
 * Writes one VL Whole Slide Microscopy Image instance: the header (everything but Pixel Data) as a PixelMed
 * {@link AttributeList} written by PixelMed's {@link DicomOutputStream} as a Part 10 file (meta header + Explicit VR
 * Little Endian data set), then the Pixel Data streamed by {@link PixelDataWriter} into the same output.
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
        return write(file, image, ctx, instanceNumber, isBaseLevel, frameBytes -> { });
    }

    /** As {@link #write(Path, SlideImage, SeriesContext, int, boolean)}; {@code afterFrame} gets each frame's length. */
    public static Written write(Path file, SlideImage image, SeriesContext ctx, int instanceNumber, boolean isBaseLevel,
                                LongConsumer afterFrame) throws IOException {
        String sopInstanceUid = Uids.newUid();
        AttributeList list = header(image, ctx, instanceNumber, isBaseLevel, sopInstanceUid);
        String ts = image.encoding().transferSyntaxUid();
        addFileMetaInformation(list, sopInstanceUid, ts);
        try (ChannelOutput out = new ChannelOutput(
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 4 << 20)) {
            // PixelMed writes the header into our buffered channel output; the shield passes array writes through in
            // one piece and keeps PixelMed from flushing or closing it, so Pixel Data follows in the same buffer.
            OutputStream shield = new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            DicomOutputStream dout = new DicomOutputStream(shield, EXPLICIT_VR_LE, ts);
            list.write(dout);
            dout.flush();
            PixelDataWriter.Stats stats = image.encoding().encapsulated()
                    ? PixelDataWriter.writeEncapsulated(image.frames(), out, afterFrame)
                    : PixelDataWriter.writeNative(image.frames(), out, image.bitsStored(), afterFrame);
            out.flush();
            return new Written(file, sopInstanceUid, stats);
        } catch (DicomException e) {
            throw new IOException("cannot write DICOM header: " + e.getMessage(), e);
        }
    }

    /**
     * File meta information with our own implementation UID; the group length is computed here because PixelMed's
     * writer switches to the data set transfer syntax after exactly that many bytes.
     */
    static void addFileMetaInformation(AttributeList list, String sopInstanceUid, String ts) {
        String[] uids = {VL_WSI_SOP_CLASS, sopInstanceUid, ts, Uids.IMPLEMENTATION_CLASS_UID};
        long length = 12 + 2; // FileMetaInformationVersion OB 00\01
        Attrs.ob(list, TagFromName.FileMetaInformationVersion, new byte[] {0, 1});
        Attrs.ui(list, TagFromName.MediaStorageSOPClassUID, uids[0]);
        Attrs.ui(list, TagFromName.MediaStorageSOPInstanceUID, uids[1]);
        Attrs.ui(list, TagFromName.TransferSyntaxUID, uids[2]);
        Attrs.ui(list, TagFromName.ImplementationClassUID, uids[3]);
        for (String u : uids) {
            length += 8 + u.length() + (u.length() & 1);
        }
        String version = Uids.IMPLEMENTATION_VERSION_NAME;
        Attrs.sh(list, TagFromName.ImplementationVersionName, version);
        length += 8 + version.length() + (version.length() & 1);
        Attrs.ul(list, TagFromName.FileMetaInformationGroupLength, length);
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
        // decoded and re-encoded pixels are no longer the scanner's original values
        String origin = image.frames() instanceof ReencodedFrames ? "DERIVED" : "ORIGINAL";
        return switch (image.flavor()) {
            case VOLUME -> isBaseLevel
                    ? new String[] {origin, "PRIMARY", "VOLUME", "NONE"}
                    : new String[] {"DERIVED", "PRIMARY", "VOLUME", "RESAMPLED"};
            case THUMBNAIL -> new String[] {"DERIVED", "PRIMARY", "THUMBNAIL", "RESAMPLED"};
            case LABEL -> new String[] {origin, "PRIMARY", "LABEL", "NONE"};
            case OVERVIEW -> new String[] {origin, "PRIMARY", "OVERVIEW", "NONE"};
        };
    }

    /**
     * The lossy compressions the pixels of {@code image} went through, oldest first, as written to
     * LossyImageCompressionMethod/Ratio: the steps before a re-encoding (its history), then the image's own encoding
     * when that is lossy. Ratio NaN when unknown (pixels decoded from a lossy source and stored native). Needs the
     * frame lengths, so re-encoded frames must have been prepared.
     */
    public static List<LossyCompression> lossySteps(SlideImage image) throws IOException {
        List<LossyCompression> steps = new ArrayList<>();
        boolean ownLossy;
        if (image.frames() instanceof ReencodedFrames r) {
            steps.addAll(r.priorLossyCompressions());
            ownLossy = true;
        } else {
            // copied compressed data is as lossy as the source's encoding; native data when decoded from a lossy source
            ownLossy = image.encoding() != PixelEncoding.NATIVE ? !image.note().contains("5/3 reversible")
                    : !image.frames().lossless();
        }
        if (ownLossy) {
            String method = image.encoding().lossyMethod() != null ? image.encoding().lossyMethod() : "ISO_10918_1";
            double ratio = Double.NaN;
            if (image.encoding() != PixelEncoding.NATIVE) {
                long payload = 0;
                for (int i = 0; i < image.frames().frameCount(); i++) {
                    payload += image.frames().frameLength(i);
                }
                ratio = LossyCompression.ratio((long) image.frames().frameCount() * image.tileWidth()
                        * image.tileHeight() * image.samplesPerPixel(), payload);
            }
            steps.add(new LossyCompression(method, ratio));
        }
        return steps;
    }

    static AttributeList header(SlideImage image, SeriesContext ctx, int instanceNumber, boolean isBaseLevel,
                                String sopInstanceUid) throws IOException {
        AttributeList l = new AttributeList();
        var md = ctx.metadata();
        boolean nonAscii = md.values().stream().anyMatch(v -> v.chars().anyMatch(c -> c > 127));
        if (nonAscii) {
            Attrs.cs(l, TagFromName.SpecificCharacterSet, "ISO_IR 192");
        }
        String[] imageType = imageType(image, isBaseLevel);

        // SOP Common
        Attrs.ui(l, TagFromName.SOPClassUID, VL_WSI_SOP_CLASS);
        Attrs.ui(l, TagFromName.SOPInstanceUID, sopInstanceUid);
        Attrs.da(l, TagFromName.InstanceCreationDate, ctx.contentDate());
        Attrs.tm(l, TagFromName.InstanceCreationTime, ctx.contentTime());

        // Patient
        Attrs.pn(l, TagFromName.PatientName, md.getOrDefault("PatientName", ""));
        Attrs.lo(l, TagFromName.PatientID, md.getOrDefault("PatientID", ""));
        if (md.containsKey("IssuerOfPatientID")) {
            Attrs.lo(l, TagFromName.IssuerOfPatientID, md.get("IssuerOfPatientID"));
        }
        Attrs.da(l, TagFromName.PatientBirthDate, md.getOrDefault("PatientBirthDate", ""));
        Attrs.cs(l, TagFromName.PatientSex, md.getOrDefault("PatientSex", ""));

        // General Study
        Attrs.ui(l, TagFromName.StudyInstanceUID, ctx.studyUid());
        String acqDate = ctx.acquisitionDateTime().substring(0, 8);
        String acqTime = ctx.acquisitionDateTime().length() > 8 ? ctx.acquisitionDateTime().substring(8) : "";
        Attrs.da(l, TagFromName.StudyDate, md.getOrDefault("StudyDate", acqDate));
        Attrs.tm(l, TagFromName.StudyTime, md.getOrDefault("StudyTime", acqTime));
        Attrs.pn(l, TagFromName.ReferringPhysicianName, md.getOrDefault("ReferringPhysicianName", ""));
        Attrs.sh(l, TagFromName.StudyID, md.getOrDefault("StudyID", ""));
        Attrs.sh(l, TagFromName.AccessionNumber, md.getOrDefault("AccessionNumber", ""));
        if (md.containsKey("StudyDescription")) {
            Attrs.lo(l, TagFromName.StudyDescription, md.get("StudyDescription"));
        }

        // General Series + Whole Slide Microscopy Series
        Attrs.cs(l, TagFromName.Modality, "SM");
        Attrs.ui(l, TagFromName.SeriesInstanceUID, ctx.seriesUid());
        Attrs.is(l, TagFromName.SeriesNumber, md.getOrDefault("SeriesNumber", "1"));
        Attrs.lo(l, TagFromName.SeriesDescription, md.getOrDefault("SeriesDescription", "Converted from " + ctx.sourceFormat()));

        // Frame of Reference
        Attrs.ui(l, TagFromName.FrameOfReferenceUID, ctx.frameOfReferenceUid());
        Attrs.lo(l, TagFromName.PositionReferenceIndicator, "SLIDE_CORNER");

        // General / Enhanced General Equipment
        Attrs.lo(l, TagFromName.Manufacturer, ctx.manufacturer());
        Attrs.lo(l, TagFromName.ManufacturerModelName, ctx.modelName());
        Attrs.lo(l, TagFromName.DeviceSerialNumber, ctx.deviceSerial());
        Attrs.lo(l, TagFromName.SoftwareVersions, ctx.softwareVersions());
        if (md.containsKey("InstitutionName")) {
            Attrs.lo(l, TagFromName.InstitutionName, md.get("InstitutionName"));
        }
        if (md.containsKey("InstitutionalDepartmentName")) {
            Attrs.lo(l, TagFromName.InstitutionalDepartmentName, md.get("InstitutionalDepartmentName"));
        }
        AttributeList contrib = Attrs.item();
        Attrs.seq(contrib, TagFromName.PurposeOfReferenceCodeSequence, Attrs.code("109103", "DCM", "Modifying Equipment"));
        Attrs.lo(contrib, TagFromName.Manufacturer, "WSI Archive");
        Attrs.lo(contrib, TagFromName.ManufacturerModelName, CONVERTER_NAME);
        Attrs.lo(contrib, TagFromName.SoftwareVersions, CONVERTER_VERSION);
        Attrs.dt(contrib, WsiTags.ContributionDateTime, ctx.contentDate() + ctx.contentTime());
        ReencodedFrames reencoded = image.frames() instanceof ReencodedFrames r ? r : null;
        Attrs.st(contrib, TagFromName.ContributionDescription, "Converted from " + ctx.sourceFormat()
                + (reencoded != null ? "; " + reencoded.derivationDescription()
                : image.frames().lossless() ? "; compressed data copied without re-encoding" : "; decoded, stored uncompressed"));
        Attrs.seq(l, TagFromName.ContributingEquipmentSequence, contrib);

        // General Image / Image Pixel / Multi-frame / Whole Slide Microscopy Image
        Attrs.is(l, TagFromName.InstanceNumber, instanceNumber);
        Attrs.da(l, TagFromName.ContentDate, ctx.contentDate());
        Attrs.tm(l, TagFromName.ContentTime, ctx.contentTime());
        Attrs.dt(l, TagFromName.AcquisitionDateTime, ctx.acquisitionDateTime());
        Attrs.cs(l, TagFromName.ImageType, imageType);
        if (reencoded != null) {
            Attrs.st(l, TagFromName.DerivationDescription, reencoded.derivationDescription());
            Attrs.seq(l, TagFromName.DerivationCodeSequence, Attrs.code("113040", "DCM", "Lossy Compression"));
        }
        boolean color = image.samplesPerPixel() == 3;
        Attrs.us(l, TagFromName.SamplesPerPixel, image.samplesPerPixel());
        Attrs.cs(l, TagFromName.PhotometricInterpretation, image.photometric());
        if (color) {
            Attrs.us(l, TagFromName.PlanarConfiguration, 0);
        }
        Attrs.us(l, TagFromName.Rows, image.tileHeight());
        Attrs.us(l, TagFromName.Columns, image.tileWidth());
        // 8 bits, or 16 for native 16-bit fluorescence channels (MONOCHROME2 only)
        Attrs.us(l, TagFromName.BitsAllocated, image.bitsStored());
        Attrs.us(l, TagFromName.BitsStored, image.bitsStored());
        Attrs.us(l, TagFromName.HighBit, image.bitsStored() - 1);
        Attrs.us(l, TagFromName.PixelRepresentation, 0);
        Attrs.is(l, TagFromName.NumberOfFrames, Integer.toString(image.frames().frameCount()));
        if (!color) {
            // Whole Slide Microscopy Image module: required for MONOCHROME2
            Attrs.cs(l, TagFromName.PresentationLUTShape, "IDENTITY");
            Attrs.ds(l, TagFromName.RescaleIntercept, 0);
            Attrs.ds(l, TagFromName.RescaleSlope, 1);
        }
        Attrs.cs(l, TagFromName.BurnedInAnnotation,
                image.flavor() == ImageFlavor.LABEL || image.flavor() == ImageFlavor.OVERVIEW ? "YES" : "NO");
        Attrs.cs(l, WsiTags.SpecimenLabelInImage,
                image.flavor() == ImageFlavor.LABEL || image.flavor() == ImageFlavor.OVERVIEW ? "YES" : "NO");
        Attrs.cs(l, TagFromName.VolumetricProperties, "VOLUME");
        Attrs.cs(l, WsiTags.FocusMethod, "AUTO");
        Attrs.cs(l, WsiTags.ExtendedDepthOfField, "NO");
        Attrs.ul(l, TagFromName.TotalPixelMatrixColumns, image.width());
        Attrs.ul(l, TagFromName.TotalPixelMatrixRows, image.height());
        Attrs.ul(l, WsiTags.TotalPixelMatrixFocalPlanes, 1);
        Attrs.ul(l, WsiTags.NumberOfOpticalPaths, 1);
        AttributeList origin = Attrs.item();
        Attrs.ds(origin, TagFromName.XOffsetInSlideCoordinateSystem, 0);
        Attrs.ds(origin, TagFromName.YOffsetInSlideCoordinateSystem, 0);
        Attrs.seq(l, TagFromName.TotalPixelMatrixOriginSequence, origin);
        Attrs.ds(l, TagFromName.ImageOrientationSlide, 0, -1, 0, -1, 0, 0);
        double volW = image.flavor() == ImageFlavor.VOLUME || image.flavor() == ImageFlavor.THUMBNAIL
                ? ctx.imagedVolumeWidthMm() : image.width() * image.pixelSpacingXmm();
        double volH = image.flavor() == ImageFlavor.VOLUME || image.flavor() == ImageFlavor.THUMBNAIL
                ? ctx.imagedVolumeHeightMm() : image.height() * image.pixelSpacingYmm();
        Attrs.fl(l, WsiTags.ImagedVolumeWidth, volW);
        Attrs.fl(l, WsiTags.ImagedVolumeHeight, volH);
        Attrs.fl(l, WsiTags.ImagedVolumeDepth, ctx.depthMicrons());
        if (image.spacingEstimated()) {
            Attrs.lt(l, TagFromName.ImageComments, "Pixel spacing is a nominal estimate: the source records no calibration for this image");
        }

        // Lossy compression: every lossy step the pixels went through (the source's, then a re-encoding of ours)
        List<LossyCompression> steps = lossySteps(image);
        if (!steps.isEmpty()) {
            Attrs.cs(l, TagFromName.LossyImageCompression, "01");
            Attrs.cs(l, TagFromName.LossyImageCompressionMethod,
                    steps.stream().map(LossyCompression::method).toArray(String[]::new));
            // the ratios must correspond to the methods one by one: written only when every step's ratio is known
            if (steps.stream().noneMatch(st -> Double.isNaN(st.ratio()))) {
                Attrs.ds(l, TagFromName.LossyImageCompressionRatio,
                        steps.stream().mapToDouble(LossyCompression::ratio).toArray());
            }
        } else {
            Attrs.cs(l, TagFromName.LossyImageCompression, "00");
        }

        // Multi-frame Dimension (TILED_FULL: the tile order is implicit)
        Attrs.cs(l, TagFromName.DimensionOrganizationType, "TILED_FULL");
        AttributeList dimOrg = Attrs.item();
        Attrs.ui(dimOrg, TagFromName.DimensionOrganizationUID, ctx.dimensionOrgUid());
        Attrs.seq(l, TagFromName.DimensionOrganizationSequence, dimOrg);
        AttributeList dimCol = Attrs.item();
        Attrs.ui(dimCol, TagFromName.DimensionOrganizationUID, ctx.dimensionOrgUid());
        Attrs.at(dimCol, TagFromName.DimensionIndexPointer, TagFromName.ColumnPositionInTotalImagePixelMatrix);
        Attrs.at(dimCol, TagFromName.FunctionalGroupPointer, TagFromName.PlanePositionSlideSequence);
        AttributeList dimRow = Attrs.item();
        Attrs.ui(dimRow, TagFromName.DimensionOrganizationUID, ctx.dimensionOrgUid());
        Attrs.at(dimRow, TagFromName.DimensionIndexPointer, TagFromName.RowPositionInTotalImagePixelMatrix);
        Attrs.at(dimRow, TagFromName.FunctionalGroupPointer, TagFromName.PlanePositionSlideSequence);
        Attrs.seq(l, TagFromName.DimensionIndexSequence, dimCol, dimRow);

        // Shared Functional Groups
        AttributeList shared = Attrs.item();
        AttributeList pm = Attrs.item();
        Attrs.ds(pm, TagFromName.PixelSpacing, image.pixelSpacingYmm(), image.pixelSpacingXmm());
        Attrs.ds(pm, TagFromName.SliceThickness, ctx.depthMicrons() / 1000.0);
        Attrs.seq(shared, TagFromName.PixelMeasuresSequence, pm);
        AttributeList ft = Attrs.item();
        Attrs.cs(ft, TagFromName.FrameType, imageType);
        Attrs.seq(shared, TagFromName.WholeSlideMicroscopyImageFrameTypeSequence, ft);
        AttributeList opi = Attrs.item();
        Attrs.sh(opi, WsiTags.OpticalPathIdentifier, opticalPath(image, ctx).identifier());
        Attrs.seq(shared, WsiTags.OpticalPathIdentificationSequence, opi);
        Attrs.seq(l, TagFromName.SharedFunctionalGroupsSequence, shared);

        // Optical Path (one per instance: the slide's first path; multi-channel sources will write one per channel)
        org.wsiarchive.converter.model.OpticalPath path = opticalPath(image, ctx);
        AttributeList op = Attrs.item();
        Attrs.sh(op, WsiTags.OpticalPathIdentifier, path.identifier());
        Attrs.st(op, WsiTags.OpticalPathDescription, path.description());
        if (path.fluorescence()) {
            Attrs.seq(op, WsiTags.IlluminationTypeCodeSequence, Attrs.code("111743", "DCM", "Epifluorescence illumination"));
        } else {
            Attrs.seq(op, WsiTags.IlluminationTypeCodeSequence, Attrs.code("111744", "DCM", "Brightfield illumination"));
        }
        if (!Double.isNaN(path.excitationNm())) {
            Attrs.fl(op, WsiTags.IlluminationWaveLength, path.excitationNm());
        } else {
            Attrs.seq(op, WsiTags.IlluminationColorCodeSequence, Attrs.code("414298005", "SCT", "Full Spectrum"));
        }
        if (color && ctx.iccProfile() != null) {
            Attrs.ob(op, TagFromName.ICCProfile, ctx.iccProfile());
        }
        if (!Double.isNaN(ctx.objectivePower())) {
            Attrs.ds(op, WsiTags.ObjectiveLensPower, ctx.objectivePower());
        }
        Attrs.seq(l, TagFromName.OpticalPathSequence, op);

        // Slide Label (LABEL images): the text is only in the pixels
        if (image.flavor() == ImageFlavor.LABEL) {
            Attrs.lt(l, TagFromName.BarcodeValue);
            Attrs.ut(l, WsiTags.LabelText);
        }

        // Acquisition Context
        Attrs.seq(l, TagFromName.AcquisitionContextSequence);

        // Specimen
        Attrs.lo(l, TagFromName.ContainerIdentifier, ctx.containerIdentifier());
        if (md.containsKey("IssuerOfTheContainerIdentifier")) {
            AttributeList issuer = Attrs.item();
            Attrs.ut(issuer, WsiTags.LocalNamespaceEntityID, md.get("IssuerOfTheContainerIdentifier"));
            Attrs.seq(l, WsiTags.IssuerOfTheContainerIdentifierSequence, issuer);
        } else {
            Attrs.seq(l, WsiTags.IssuerOfTheContainerIdentifierSequence);
        }
        Attrs.seq(l, WsiTags.ContainerTypeCodeSequence, Attrs.code("433466003", "SCT", "Microscope slide"));
        AttributeList spec = Attrs.item();
        Attrs.lo(spec, TagFromName.SpecimenIdentifier, ctx.specimenIdentifier());
        Attrs.ui(spec, TagFromName.SpecimenUID, ctx.specimenUid());
        Attrs.seq(spec, WsiTags.IssuerOfTheSpecimenIdentifierSequence);
        if (md.containsKey("SpecimenShortDescription")) {
            Attrs.lo(spec, TagFromName.SpecimenShortDescription, md.get("SpecimenShortDescription"));
        }
        Attrs.seq(spec, WsiTags.SpecimenPreparationSequence);
        Attrs.seq(l, TagFromName.SpecimenDescriptionSequence, spec);
        return l;
    }
}
