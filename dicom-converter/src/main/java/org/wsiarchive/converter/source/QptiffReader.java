package org.wsiarchive.converter.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.OpticalPath;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;

/**
 * PerkinElmer / Akoya QPTIFF (Vectra, Polaris): every directory carries a {@code PerkinElmer-QPI-ImageDescription}
 * XML with its ImageType (FullResolution = one channel of level 0, ReducedResolution = lower levels in the same
 * channel order, Thumbnail, Overview, Label) and the channel Name. Each channel becomes its own optical path and its
 * own instances (MONOCHROME2, decoded from LZW and stored native: lossless).
 */
public final class QptiffReader implements SlideReader {

    @Override
    public String formatName() {
        return "PerkinElmer/Akoya QPTIFF (8-bit fluorescence channels)";
    }

    @Override
    public boolean accepts(TiffFile tiff) throws IOException {
        String d = tiff.directories().get(0).description();
        return d != null && d.contains("<PerkinElmer-QPI-ImageDescription>");
    }

    static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1).trim() : null;
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<TiffDirectory> full = new ArrayList<>();
        List<TiffDirectory> reduced = new ArrayList<>();
        List<SlideImage> associated = new ArrayList<>();
        for (TiffDirectory d : tiff.directories()) {
            String xml = d.description();
            String type = xml == null ? null : tag(xml, "ImageType");
            if (type == null) {
                warnings.add("skipped TIFF directory " + d.index() + " (no QPTIFF ImageType)");
                continue;
            }
            switch (type) {
                case "FullResolution" -> full.add(d);
                case "ReducedResolution" -> reduced.add(d);
                case "Thumbnail" -> associated.add(TiffImages.decodedNative(d, ImageFlavor.THUMBNAIL));
                case "Overview" -> associated.add(TiffImages.decodedNative(d, ImageFlavor.OVERVIEW));
                case "Label" -> associated.add(TiffImages.decodedNative(d, ImageFlavor.LABEL));
                default -> warnings.add("skipped TIFF directory " + d.index() + " (QPTIFF ImageType " + type + ")");
            }
        }
        if (full.isEmpty()) {
            throw new SourceException("QPTIFF without FullResolution channel planes");
        }
        List<OpticalPath> paths = new ArrayList<>();
        List<SlideImage> levels = new ArrayList<>();
        for (int c = 0; c < full.size(); c++) {
            String xml = full.get(c).description();
            String name = tag(xml, "Name");
            String filter = tag(xml, "FilterID");
            String id = Integer.toString(c + 1);
            paths.add(new OpticalPath(id, (name != null && !name.isEmpty() ? name : "Channel " + (c + 1))
                    + (filter != null ? "; filter " + filter : ""), true, Double.NaN, Double.NaN));
            levels.add(ChannelPlanes.plane(full.get(c), id));
        }
        if (!reduced.isEmpty()) {
            if (reduced.size() % full.size() != 0) {
                warnings.add("skipped " + reduced.size() + " ReducedResolution directories (not a multiple of the "
                        + full.size() + " channels)");
            } else {
                for (int i = 0; i < reduced.size(); i++) {
                    levels.add(ChannelPlanes.plane(reduced.get(i), Integer.toString(i % full.size() + 1)));
                }
            }
        }
        TiffDirectory d0 = full.get(0);
        String xml0 = d0.description();
        Map<String, String> props = new LinkedHashMap<>();
        String software = tag(xml0, "AcquisitionSoftware");
        if (software != null) {
            props.put("SoftwareVersions", software);
        }
        double mag = Double.NaN;
        String obj = tag(xml0, "Objective");
        if (obj != null) {
            Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)").matcher(obj);
            if (m.find()) {
                mag = Double.parseDouble(m.group(1));
            }
        }
        double mpp = ChannelPlanes.mppFromResolution(d0);
        return new Slide("PerkinElmer QPTIFF", levels, associated, mpp, mpp, mag, null, "PerkinElmer",
                tag(xml0, "CameraName"), tag(xml0, "ComputerName"), null, props, warnings, tiff, paths);
    }
}
