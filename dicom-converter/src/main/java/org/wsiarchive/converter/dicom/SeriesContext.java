package org.wsiarchive.converter.dicom;

import java.util.Map;

/**
 * Values shared by all instances of one converted slide.
 *
 * @param studyUid              StudyInstanceUID
 * @param seriesUid             SeriesInstanceUID (one series for the whole pyramid and its associated images)
 * @param frameOfReferenceUid   one frame of reference for the whole pyramid
 * @param dimensionOrgUid       DimensionOrganizationUID
 * @param containerIdentifier   slide (container) identifier, shared by all instances
 * @param specimenIdentifier    specimen identifier
 * @param specimenUid           specimen UID
 * @param contentDate           DA of the conversion
 * @param contentTime           TM of the conversion
 * @param acquisitionDateTime   DT of the scan (or of the conversion when unknown)
 * @param metadata              patient/study/series values by keyword (validated)
 * @param manufacturer          scanner manufacturer
 * @param modelName             scanner model
 * @param deviceSerial          scanner serial number
 * @param softwareVersions      scanner software
 * @param objectivePower        NaN if unknown
 * @param iccProfile            ICC profile for colour images
 * @param sourceFormat          format name (for descriptions)
 * @param depthMicrons          imaged volume depth in µm
 * @param opticalPaths          optical paths of the slide (the first one is referenced by every frame)
 */
public record SeriesContext(String studyUid, String seriesUid, String frameOfReferenceUid, String dimensionOrgUid,
                            String containerIdentifier, String specimenIdentifier, String specimenUid,
                            String contentDate, String contentTime, String acquisitionDateTime,
                            Map<String, String> metadata, String manufacturer, String modelName, String deviceSerial,
                            String softwareVersions, double objectivePower, byte[] iccProfile, String sourceFormat,
                            double depthMicrons, double imagedVolumeWidthMm, double imagedVolumeHeightMm,
                            java.util.List<org.wsiarchive.converter.model.OpticalPath> opticalPaths) {
}
