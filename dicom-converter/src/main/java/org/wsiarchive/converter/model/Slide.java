package org.wsiarchive.converter.model;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A whole slide read from a source file: its pyramid (level 0 = highest resolution first) and associated images.
 * Holds the open source file; close it when done.
 *
 * @param format            name of the source format (e.g. "Aperio SVS")
 * @param levels            pyramid levels, highest resolution first
 * @param associated        label / overview / thumbnail images
 * @param mppX              level-0 microns per pixel along a row, NaN if unknown
 * @param mppY              level-0 microns per pixel down a column, NaN if unknown
 * @param objectivePower    objective lens power, NaN if unknown
 * @param iccProfile        ICC profile of the source, or null
 * @param manufacturer      scanner manufacturer, or null
 * @param modelName         scanner model, or null
 * @param deviceSerial      scanner serial number / id, or null
 * @param acquisitionDateTime DICOM DT of the scan, or null
 * @param properties        source properties (key/value pairs from the image description)
 * @param warnings          things the reader guessed or skipped
 * @param opticalPaths      optical paths (one per channel; brightfield slides have one)
 */
public record Slide(String format, List<SlideImage> levels, List<SlideImage> associated, double mppX, double mppY,
                    double objectivePower, byte[] iccProfile, String manufacturer, String modelName,
                    String deviceSerial, String acquisitionDateTime, Map<String, String> properties,
                    List<String> warnings, Closeable resource, List<OpticalPath> opticalPaths) implements Closeable {

    /** Brightfield slide with one optical path. */
    public Slide(String format, List<SlideImage> levels, List<SlideImage> associated, double mppX, double mppY,
                 double objectivePower, byte[] iccProfile, String manufacturer, String modelName,
                 String deviceSerial, String acquisitionDateTime, Map<String, String> properties,
                 List<String> warnings, Closeable resource) {
        this(format, levels, associated, mppX, mppY, objectivePower, iccProfile, manufacturer, modelName, deviceSerial,
                acquisitionDateTime, properties, warnings, resource, List.of(OpticalPath.BRIGHTFIELD));
    }

    public SlideImage baseLevel() {
        return levels.get(0);
    }

    @Override
    public void close() throws IOException {
        if (resource != null) {
            resource.close();
        }
    }
}
