package org.wsiarchive.converter.dicom;

import com.pixelmed.dicom.AttributeTag;

/**
 * Tags of attributes we write for which PixelMed 20220618's {@code TagFromName} has no constant (its dictionary
 * knows them; the VR used by the writer is given in each comment and checked against the dictionary by a test).
 */
public final class WsiTags {
    private WsiTags() {
    }

    public static final AttributeTag IlluminationTypeCodeSequence = new AttributeTag(0x0022, 0x0016); // SQ
    public static final AttributeTag IlluminationWaveLength = new AttributeTag(0x0022, 0x0055); // FL
    public static final AttributeTag ContributionDateTime = new AttributeTag(0x0018, 0xA002); // DT
    public static final AttributeTag LocalNamespaceEntityID = new AttributeTag(0x0040, 0x0031); // UT
    public static final AttributeTag IssuerOfTheContainerIdentifierSequence = new AttributeTag(0x0040, 0x0513); // SQ
    public static final AttributeTag ContainerTypeCodeSequence = new AttributeTag(0x0040, 0x0518); // SQ
    public static final AttributeTag IssuerOfTheSpecimenIdentifierSequence = new AttributeTag(0x0040, 0x0562); // SQ
    public static final AttributeTag SpecimenPreparationSequence = new AttributeTag(0x0040, 0x0610); // SQ
    public static final AttributeTag ImagedVolumeWidth = new AttributeTag(0x0048, 0x0001); // FL
    public static final AttributeTag ImagedVolumeHeight = new AttributeTag(0x0048, 0x0002); // FL
    public static final AttributeTag ImagedVolumeDepth = new AttributeTag(0x0048, 0x0003); // FL
    public static final AttributeTag SpecimenLabelInImage = new AttributeTag(0x0048, 0x0010); // CS
    public static final AttributeTag FocusMethod = new AttributeTag(0x0048, 0x0011); // CS
    public static final AttributeTag ExtendedDepthOfField = new AttributeTag(0x0048, 0x0012); // CS
    public static final AttributeTag OpticalPathIdentifier = new AttributeTag(0x0048, 0x0106); // SH
    public static final AttributeTag OpticalPathDescription = new AttributeTag(0x0048, 0x0107); // ST
    public static final AttributeTag IlluminationColorCodeSequence = new AttributeTag(0x0048, 0x0108); // SQ
    public static final AttributeTag ObjectiveLensPower = new AttributeTag(0x0048, 0x0112); // DS
    public static final AttributeTag OpticalPathIdentificationSequence = new AttributeTag(0x0048, 0x0207); // SQ
    public static final AttributeTag NumberOfOpticalPaths = new AttributeTag(0x0048, 0x0302); // UL
    public static final AttributeTag TotalPixelMatrixFocalPlanes = new AttributeTag(0x0048, 0x0303); // UL
    public static final AttributeTag LabelText = new AttributeTag(0x2200, 0x0002); // UT
}
