package org.wsiarchive.converter.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/**
 * Aperio SVS: first directory is level 0 (tiled), further tiled directories are lower levels, the second directory
 * (strips) is the thumbnail, directories whose description mentions "label" / "macro" are the label and overview.
 * Properties come from the "key = value" pairs of the first directory's ImageDescription.
 */
public final class AperioSvsReader implements SlideReader {

    @Override
    public String formatName() {
        return "Aperio SVS (JPEG or JPEG 2000 tiles)";
    }

    @Override
    public boolean accepts(TiffFile tiff) throws IOException {
        String d = tiff.directories().get(0).description();
        return d != null && d.startsWith("Aperio");
    }

    public static Map<String, String> properties(String description) {
        Map<String, String> props = new LinkedHashMap<>();
        if (description == null) {
            return props;
        }
        String[] parts = description.split("\\|");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf(" = ");
            if (eq > 0) {
                props.putIfAbsent(parts[i].substring(0, eq).trim(), parts[i].substring(eq + 3).trim());
            }
        }
        props.put("Description", parts[0].trim());
        return props;
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        List<TiffDirectory> dirs = tiff.directories();
        TiffDirectory d0 = dirs.get(0);
        if (!d0.isTiled()) {
            throw new SourceException("Aperio SVS without a tiled first directory is not supported");
        }
        String desc0 = d0.description();
        Map<String, String> props = properties(desc0);
        List<String> warnings = new ArrayList<>();

        List<TiffDirectory> levelDirs = new ArrayList<>();
        List<TiffDirectory> associatedDirs = new ArrayList<>();
        List<ImageFlavor> associatedFlavors = new ArrayList<>();
        for (TiffDirectory d : dirs) {
            if (d.index() == 0) {
                levelDirs.add(d);
                continue;
            }
            String desc = d.description() == null ? "" : d.description();
            if (d.isTiled() && !desc.contains("label") && !desc.contains("macro")) {
                levelDirs.add(d);
            } else if (d.index() == 1 && !d.isTiled()) {
                associatedDirs.add(d);
                associatedFlavors.add(ImageFlavor.THUMBNAIL);
            } else if (desc.contains("label")) {
                associatedDirs.add(d);
                associatedFlavors.add(ImageFlavor.LABEL);
            } else if (desc.contains("macro")) {
                associatedDirs.add(d);
                associatedFlavors.add(ImageFlavor.OVERVIEW);
            } else {
                warnings.add("skipped TIFF directory " + d.index() + " (" + d + ")");
            }
        }
        levelDirs.sort(Comparator.comparingInt((TiffDirectory d) -> {
            try {
                return d.width();
            } catch (IOException e) {
                return 0;
            }
        }).reversed());
        List<SlideImage> levels = new ArrayList<>();
        for (TiffDirectory d : levelDirs) {
            levels.add(TiffImages.tiled(d, ImageFlavor.VOLUME));
        }
        List<SlideImage> associated = new ArrayList<>();
        for (int i = 0; i < associatedDirs.size(); i++) {
            associated.add(TiffImages.associated(associatedDirs.get(i), associatedFlavors.get(i)));
        }

        double mpp = parseDouble(props.get("MPP"));
        double mag = parseDouble(props.get("AppMag"));
        byte[] icc = d0.bytes(TiffTags.ICC_PROFILE);
        String dt = aperioDateTime(props.get("Date"), props.get("Time"));
        String software = props.get("Description");
        Matcher m = Pattern.compile("Aperio Image Library v?\\S+").matcher(desc0);
        if (m.find()) {
            software = m.group();
        }
        props.put("SoftwareVersions", software);
        return new Slide("Aperio SVS", levels, associated, mpp, mpp, mag, icc, "Aperio",
                props.containsKey("ScanScope ID") ? "ScanScope" : null, props.get("ScanScope ID"), dt, props, warnings, tiff);
    }

    static double parseDouble(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(s.trim());
            return v > 0 && Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** "12/29/09" + "09:59:15" -> "20091229095915" (DICOM DT), or null. */
    static String aperioDateTime(String date, String time) {
        if (date == null) {
            return null;
        }
        Matcher md = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{2,4})").matcher(date);
        if (!md.matches()) {
            return null;
        }
        int year = Integer.parseInt(md.group(3));
        if (year < 100) {
            year += year < 70 ? 2000 : 1900;
        }
        String dt = String.format("%04d%02d%02d", year, Integer.parseInt(md.group(1)), Integer.parseInt(md.group(2)));
        if (time != null) {
            Matcher mt = Pattern.compile("(\\d{1,2}):(\\d{2}):(\\d{2})").matcher(time);
            if (mt.matches()) {
                dt += String.format("%02d%s%s", Integer.parseInt(mt.group(1)), mt.group(2), mt.group(3));
            }
        }
        return dt;
    }
}
