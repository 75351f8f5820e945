package org.wsiarchive.converter.dicom;

import java.util.HashMap;
import java.util.Map;

/**
 * The data elements the converter writes: keyword -> tag and VR (values from the DICOM standard, PS3.6). Our own
 * small table instead of a full dictionary keeps start-up cheap (PixelMed's dictionary takes 0.5-1.5 s to load).
 */
final class Dictionary {
    private Dictionary() {
    }

    record Entry(String keyword, int tag, String vr) {
    }

    private static final Map<String, Entry> BY_KEYWORD = new HashMap<>();

    private static Entry e(String keyword, int tag, String vr) {
        return new Entry(keyword, tag, vr);
    }

    static {
        for (Entry x : new Entry[] {
                e("AccessionNumber", 0x00080050, "SH"),
                e("AcquisitionContextSequence", 0x00400555, "SQ"),
                e("AcquisitionDateTime", 0x0008002A, "DT"),
                e("BarcodeValue", 0x22000005, "LT"),
                e("BitsAllocated", 0x00280100, "US"),
                e("BitsStored", 0x00280101, "US"),
                e("BurnedInAnnotation", 0x00280301, "CS"),
                e("CodeMeaning", 0x00080104, "LO"),
                e("CodeValue", 0x00080100, "SH"),
                e("CodingSchemeDesignator", 0x00080102, "SH"),
                e("ColumnPositionInTotalImagePixelMatrix", 0x0048021E, "SL"),
                e("Columns", 0x00280011, "US"),
                e("ContainerIdentifier", 0x00400512, "LO"),
                e("ContainerTypeCodeSequence", 0x00400518, "SQ"),
                e("ContentDate", 0x00080023, "DA"),
                e("ContentTime", 0x00080033, "TM"),
                e("ContributingEquipmentSequence", 0x0018A001, "SQ"),
                e("ContributionDateTime", 0x0018A002, "DT"),
                e("ContributionDescription", 0x0018A003, "ST"),
                e("DeviceSerialNumber", 0x00181000, "LO"),
                e("DimensionIndexPointer", 0x00209165, "AT"),
                e("DimensionIndexSequence", 0x00209222, "SQ"),
                e("DimensionOrganizationSequence", 0x00209221, "SQ"),
                e("DimensionOrganizationType", 0x00209311, "CS"),
                e("DimensionOrganizationUID", 0x00209164, "UI"),
                e("ExtendedDepthOfField", 0x00480012, "CS"),
                e("FileMetaInformationGroupLength", 0x00020000, "UL"),
                e("FileMetaInformationVersion", 0x00020001, "OB"),
                e("FocusMethod", 0x00480011, "CS"),
                e("FrameOfReferenceUID", 0x00200052, "UI"),
                e("FrameType", 0x00089007, "CS"),
                e("FunctionalGroupPointer", 0x00209167, "AT"),
                e("HighBit", 0x00280102, "US"),
                e("ICCProfile", 0x00282000, "OB"),
                e("IlluminationColorCodeSequence", 0x00480108, "SQ"),
                e("IlluminationTypeCodeSequence", 0x00220016, "SQ"),
                e("IlluminationWaveLength", 0x00220055, "FL"),
                e("ImageComments", 0x00204000, "LT"),
                e("ImageOrientationSlide", 0x00480102, "DS"),
                e("ImageType", 0x00080008, "CS"),
                e("ImagedVolumeDepth", 0x00480003, "FL"),
                e("ImagedVolumeHeight", 0x00480002, "FL"),
                e("ImagedVolumeWidth", 0x00480001, "FL"),
                e("ImplementationClassUID", 0x00020012, "UI"),
                e("ImplementationVersionName", 0x00020013, "SH"),
                e("InstanceCreationDate", 0x00080012, "DA"),
                e("InstanceCreationTime", 0x00080013, "TM"),
                e("InstanceNumber", 0x00200013, "IS"),
                e("InstitutionName", 0x00080080, "LO"),
                e("InstitutionalDepartmentName", 0x00081040, "LO"),
                e("IssuerOfPatientID", 0x00100021, "LO"),
                e("IssuerOfTheContainerIdentifierSequence", 0x00400513, "SQ"),
                e("IssuerOfTheSpecimenIdentifierSequence", 0x00400562, "SQ"),
                e("LabelText", 0x22000002, "UT"),
                e("LocalNamespaceEntityID", 0x00400031, "UT"),
                e("LossyImageCompression", 0x00282110, "CS"),
                e("LossyImageCompressionMethod", 0x00282114, "CS"),
                e("LossyImageCompressionRatio", 0x00282112, "DS"),
                e("Manufacturer", 0x00080070, "LO"),
                e("ManufacturerModelName", 0x00081090, "LO"),
                e("MediaStorageSOPClassUID", 0x00020002, "UI"),
                e("MediaStorageSOPInstanceUID", 0x00020003, "UI"),
                e("Modality", 0x00080060, "CS"),
                e("NumberOfFrames", 0x00280008, "IS"),
                e("NumberOfOpticalPaths", 0x00480302, "UL"),
                e("ObjectiveLensPower", 0x00480112, "DS"),
                e("OpticalPathDescription", 0x00480107, "ST"),
                e("OpticalPathIdentificationSequence", 0x00480207, "SQ"),
                e("OpticalPathIdentifier", 0x00480106, "SH"),
                e("OpticalPathSequence", 0x00480105, "SQ"),
                e("PatientBirthDate", 0x00100030, "DA"),
                e("PatientID", 0x00100020, "LO"),
                e("PatientName", 0x00100010, "PN"),
                e("PatientSex", 0x00100040, "CS"),
                e("PhotometricInterpretation", 0x00280004, "CS"),
                e("PixelMeasuresSequence", 0x00289110, "SQ"),
                e("PixelRepresentation", 0x00280103, "US"),
                e("PixelSpacing", 0x00280030, "DS"),
                e("PlanarConfiguration", 0x00280006, "US"),
                e("PlanePositionSlideSequence", 0x0048021A, "SQ"),
                e("PositionReferenceIndicator", 0x00201040, "LO"),
                e("PresentationLUTShape", 0x20500020, "CS"),
                e("PurposeOfReferenceCodeSequence", 0x0040A170, "SQ"),
                e("ReferringPhysicianName", 0x00080090, "PN"),
                e("RescaleIntercept", 0x00281052, "DS"),
                e("RescaleSlope", 0x00281053, "DS"),
                e("RowPositionInTotalImagePixelMatrix", 0x0048021F, "SL"),
                e("Rows", 0x00280010, "US"),
                e("SOPClassUID", 0x00080016, "UI"),
                e("SOPInstanceUID", 0x00080018, "UI"),
                e("SamplesPerPixel", 0x00280002, "US"),
                e("SeriesDescription", 0x0008103E, "LO"),
                e("SeriesInstanceUID", 0x0020000E, "UI"),
                e("SeriesNumber", 0x00200011, "IS"),
                e("SharedFunctionalGroupsSequence", 0x52009229, "SQ"),
                e("SliceThickness", 0x00180050, "DS"),
                e("SoftwareVersions", 0x00181020, "LO"),
                e("SpecificCharacterSet", 0x00080005, "CS"),
                e("SpecimenDescriptionSequence", 0x00400560, "SQ"),
                e("SpecimenIdentifier", 0x00400551, "LO"),
                e("SpecimenLabelInImage", 0x00480010, "CS"),
                e("SpecimenPreparationSequence", 0x00400610, "SQ"),
                e("SpecimenShortDescription", 0x00400600, "LO"),
                e("SpecimenUID", 0x00400554, "UI"),
                e("StudyDate", 0x00080020, "DA"),
                e("StudyDescription", 0x00081030, "LO"),
                e("StudyID", 0x00200010, "SH"),
                e("StudyInstanceUID", 0x0020000D, "UI"),
                e("StudyTime", 0x00080030, "TM"),
                e("TotalPixelMatrixColumns", 0x00480006, "UL"),
                e("TotalPixelMatrixFocalPlanes", 0x00480303, "UL"),
                e("TotalPixelMatrixOriginSequence", 0x00480008, "SQ"),
                e("TotalPixelMatrixRows", 0x00480007, "UL"),
                e("TransferSyntaxUID", 0x00020010, "UI"),
                e("VolumetricProperties", 0x00089206, "CS"),
                e("WholeSlideMicroscopyImageFrameTypeSequence", 0x00400710, "SQ"),
                e("XOffsetInSlideCoordinateSystem", 0x0040072A, "DS"),
                e("YOffsetInSlideCoordinateSystem", 0x0040073A, "DS"),
        }) {
            BY_KEYWORD.put(x.keyword(), x);
        }
    }

    static Entry get(String keyword) {
        Entry e = BY_KEYWORD.get(keyword);
        if (e == null) {
            throw new IllegalArgumentException("unknown DICOM keyword " + keyword);
        }
        return e;
    }

    static boolean contains(String keyword) {
        return BY_KEYWORD.containsKey(keyword);
    }
}
