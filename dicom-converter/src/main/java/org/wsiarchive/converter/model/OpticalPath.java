package org.wsiarchive.converter.model;

/**
 * One optical path of the slide (DICOM Optical Path Sequence item).
 *
 * @param identifier           OpticalPathIdentifier
 * @param description          OpticalPathDescription (e.g. the fluorescence channel name)
 * @param fluorescence         epifluorescence (true) or brightfield (false) illumination
 * @param excitationNm         illumination (excitation) wavelength in nm, NaN if unknown
 * @param emissionNm           emission wavelength in nm, NaN if unknown (only described in the description)
 */
public record OpticalPath(String identifier, String description, boolean fluorescence, double excitationNm,
                          double emissionNm) {

    public static final OpticalPath BRIGHTFIELD = new OpticalPath("1", "Brightfield", false, Double.NaN, Double.NaN);
}
