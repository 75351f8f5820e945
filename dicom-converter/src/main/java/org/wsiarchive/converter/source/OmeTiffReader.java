package org.wsiarchive.converter.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.OpticalPath;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/**
 * OME-TIFF: the OME-XML in the first directory's ImageDescription gives the pixel type, the channels (Name, Fluor,
 * Excitation/EmissionWavelength, SamplesPerPixel), the physical pixel size and, through TiffData, which IFD holds
 * which (C, Z, T) plane. The planes of Z = 0, T = 0 are converted. Pyramid levels are the plane IFD itself plus its
 * SubIFDs (OME-TIFF 6 convention: each full-resolution plane carries its reduced resolutions as SubIFDs).
 * <ul>
 * <li>Fluorescence (one sample per channel, uint8 or uint16): one optical path and one instance per channel and
 * level, MONOCHROME2; JPEG tiles are copied, lossless planes are decoded and stored native (16-bit as OW).</li>
 * <li>Brightfield RGB (one channel of 3 interleaved samples, uint8): one brightfield optical path, tiles copied
 * (JPEG / JPEG 2000).</li>
 * </ul>
 */
public final class OmeTiffReader implements SlideReader {

    @Override
    public String formatName() {
        return "OME-TIFF (8/16-bit unsigned channels or brightfield RGB, SubIFD pyramids, Z=0/T=0)";
    }

    @Override
    public boolean accepts(TiffFile tiff) throws IOException {
        String d = tiff.directories().get(0).description();
        return d != null && d.contains("<OME") && d.contains("openmicroscopy.org/Schemas/OME");
    }

    private static int intAttr(Element e, String name, int dflt) {
        String v = e.getAttribute(name);
        return v == null || v.isEmpty() ? dflt : Integer.parseInt(v.trim());
    }

    private static double dblAttr(Element e, String name) {
        String v = e.getAttribute(name);
        try {
            return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v.trim());
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** Length in µm from an OME length attribute and its unit attribute (default µm). */
    static double micrometres(Element e, String attr) {
        double v = dblAttr(e, attr);
        String unit = e.getAttribute(attr + "Unit");
        if (Double.isNaN(v) || v <= 0) {
            return Double.NaN;
        }
        return switch (unit == null || unit.isEmpty() ? "µm" : unit) {
            case "\u00b5m", "\u03bcm", "um", "micron" -> v;
            case "nm" -> v / 1000;
            case "mm" -> v * 1000;
            case "cm" -> v * 10000;
            case "m" -> v * 1e6;
            case "pm" -> v / 1e6;
            case "\u00c5" -> v / 1e4;
            default -> Double.NaN;
        };
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        List<TiffDirectory> dirs = tiff.directories();
        Document doc = SourceXml.parse(dirs.get(0).description(), "OME-XML");
        Element root = doc.getDocumentElement();
        NodeList images = root.getElementsByTagNameNS("*", "Image");
        if (images.getLength() == 0) {
            throw new SourceException("OME-XML without an Image");
        }
        List<String> warnings = new ArrayList<>();
        if (images.getLength() > 1) {
            warnings.add("OME-TIFF holds " + images.getLength() + " images; only the first is converted");
        }
        Element pixels = SourceXml.first((Element) images.item(0), "Pixels");
        if (pixels == null) {
            throw new SourceException("OME-XML Image without Pixels");
        }
        String type = pixels.getAttribute("Type");
        int bits = switch (type) {
            case "uint8" -> 8;
            case "uint16" -> 16;
            default -> throw new SourceException("OME-TIFF pixel type " + type + " is not supported (8- or 16-bit "
                    + "unsigned channels only: DICOM WSI has no signed or floating-point pixels)");
        };
        int sizeX = intAttr(pixels, "SizeX", 0);
        int sizeY = intAttr(pixels, "SizeY", 0);
        int sizeC = intAttr(pixels, "SizeC", 1);
        int sizeZ = intAttr(pixels, "SizeZ", 1);
        int sizeT = intAttr(pixels, "SizeT", 1);
        String order = pixels.getAttribute("DimensionOrder");
        if (order == null || order.length() != 5 || !order.startsWith("XY")) {
            order = "XYCZT";
        }
        if (sizeZ > 1 || sizeT > 1) {
            warnings.add("only the planes Z=0, T=0 are converted (SizeZ=" + sizeZ + ", SizeT=" + sizeT + ")");
        }
        NodeList channels = pixels.getElementsByTagNameNS("*", "Channel");
        int samples = channels.getLength() == 0 ? 1 : intAttr((Element) channels.item(0), "SamplesPerPixel", 1);
        for (int c = 1; c < channels.getLength(); c++) {
            if (intAttr((Element) channels.item(c), "SamplesPerPixel", 1) != samples) {
                throw new SourceException("OME-TIFF channels with different SamplesPerPixel are not supported");
            }
        }
        boolean rgb = samples == 3;
        if (samples != 1 && !rgb) {
            throw new SourceException("OME-TIFF channels of " + samples + " samples are not supported (1 or 3)");
        }
        if (rgb && bits != 8) {
            throw new SourceException("OME-TIFF RGB with pixel type " + type + " is not supported (8-bit RGB only)");
        }
        // SizeC counts samples: an interleaved RGB channel is one TIFF plane of SizeC = 3
        int planesC = Math.max(1, sizeC / samples);
        Map<Long, Integer> planeToIfd = planeMap(pixels, order, planesC, sizeZ, sizeT, tiff.path().getFileName().toString());
        Map<Integer, TiffDirectory> byChain = new HashMap<>();
        Map<Long, TiffDirectory> byOffset = new HashMap<>();
        for (TiffDirectory d : dirs) {
            if (d.chainIndex() >= 0) {
                byChain.put(d.chainIndex(), d);
            }
            byOffset.put(d.offset(), d);
        }
        List<List<TiffDirectory>> pyramids = new ArrayList<>();
        int levelCount = Integer.MAX_VALUE;
        for (int c = 0; c < planesC; c++) {
            Integer ifd = planeToIfd.get(key(c, 0, 0));
            TiffDirectory d = ifd == null ? null : byChain.get(ifd);
            if (d == null) {
                throw new SourceException("OME-TIFF: no TIFF directory for channel " + c + " (Z=0, T=0)");
            }
            if (d.width() != sizeX || d.height() != sizeY) {
                throw new SourceException("OME-TIFF: IFD " + ifd + " is " + d.width() + "x" + d.height() + ", OME-XML says "
                        + sizeX + "x" + sizeY);
            }
            if (d.samplesPerPixel() != samples || d.bitsPerSample() != bits) {
                throw new SourceException("OME-TIFF: IFD " + ifd + " has " + d.samplesPerPixel() + " samples of "
                        + d.bitsPerSample() + " bits, OME-XML says " + samples + " of " + bits);
            }
            List<TiffDirectory> pyramid = subResolutions(d, byOffset, warnings);
            pyramids.add(pyramid);
            levelCount = Math.min(levelCount, pyramid.size());
        }
        for (int c = 0; c < planesC; c++) {
            if (pyramids.get(c).size() > levelCount) {
                warnings.add("channel " + (c + 1) + " has " + pyramids.get(c).size() + " resolutions, others only "
                        + levelCount + ": its extra levels are not converted");
            }
        }
        List<OpticalPath> paths = new ArrayList<>();
        List<SlideImage> levels = new ArrayList<>();
        if (rgb) {
            for (TiffDirectory d : pyramids.get(0).subList(0, levelCount)) {
                levels.add(rgbLevel(d));
            }
        } else {
            for (int c = 0; c < planesC; c++) {
                paths.add(channelPath(c < channels.getLength() ? (Element) channels.item(c) : null, c));
            }
            // level by level, each channel in turn: the converter numbers levels per optical path in this order
            for (int level = 0; level < levelCount; level++) {
                for (int c = 0; c < planesC; c++) {
                    levels.add(channelLevel(pyramids.get(c).get(level), paths.get(c).identifier()));
                }
            }
        }
        double mppX = micrometres(pixels, "PhysicalSizeX");
        double mppY = micrometres(pixels, "PhysicalSizeY");
        if (Double.isNaN(mppX) || Double.isNaN(mppY)) {
            mppX = Double.NaN;
            mppY = Double.NaN;
        }
        Map<String, String> props = new LinkedHashMap<>();
        String creator = root.getAttribute("Creator");
        if (creator != null && !creator.isEmpty()) {
            props.put("SoftwareVersions", creator);
        }
        String acq = null;
        Element date = SourceXml.first((Element) images.item(0), "AcquisitionDate");
        if (date != null) {
            String t = date.getTextContent().trim();
            if (t.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}.*")) {
                acq = t.substring(0, 4) + t.substring(5, 7) + t.substring(8, 10) + t.substring(11, 13) + t.substring(14, 16)
                        + t.substring(17, 19);
            }
        }
        if (rgb) {
            return new Slide("OME-TIFF", levels, List.of(), mppX, mppY, Double.NaN,
                    pyramids.get(0).get(0).bytes(TiffTags.ICC_PROFILE), null, null, null, acq, props, warnings, tiff);
        }
        return new Slide("OME-TIFF", levels, List.of(), mppX, mppY, Double.NaN, null, null, null, null, acq, props,
                warnings, tiff, paths);
    }

    /** The plane's directory followed by the reduced resolutions listed in its SubIFDs tag, largest first. */
    private static List<TiffDirectory> subResolutions(TiffDirectory plane, Map<Long, TiffDirectory> byOffset,
                                                      List<String> warnings) throws IOException {
        List<TiffDirectory> pyramid = new ArrayList<>(List.of(plane));
        long[] subs = plane.longs(TiffTags.SUB_IFDS);
        if (subs == null) {
            return pyramid;
        }
        List<TiffDirectory> reduced = new ArrayList<>();
        for (long offset : subs) {
            TiffDirectory s = byOffset.get(offset);
            if (s != null) {
                reduced.add(s);
            }
        }
        reduced.sort((a, b) -> {
            try {
                return Integer.compare(b.width(), a.width());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (TiffDirectory s : reduced) {
            TiffDirectory previous = pyramid.get(pyramid.size() - 1);
            if (s.width() < previous.width() && s.height() < previous.height()) {
                pyramid.add(s);
            } else {
                warnings.add("SubIFD " + s.index() + " (" + s.width() + "x" + s.height() + ") is not a smaller "
                        + "resolution of directory " + plane.index() + ": skipped");
            }
        }
        return pyramid;
    }

    private static boolean copiable(TiffDirectory d) throws IOException {
        int compression = d.compression();
        return d.isTiled() && (compression == TiffTags.COMPRESSION_JPEG || compression == TiffTags.COMPRESSION_JPEG2000
                || compression == TiffTags.COMPRESSION_APERIO_J2K_RGB || compression == TiffTags.COMPRESSION_APERIO_J2K_YCBCR);
    }

    /** A brightfield level: interleaved RGB tiles copied unchanged (with the JPEGTables merged). */
    private static SlideImage rgbLevel(TiffDirectory d) throws IOException {
        if (!copiable(d)) {
            throw new SourceException("OME-TIFF RGB directory " + d.index() + " is " + (d.isTiled() ? "" : "not tiled, ")
                    + "compression " + d.compression() + ": RGB OME-TIFF is supported with tiled JPEG or JPEG 2000 planes");
        }
        return TiffImages.tiled(d, ImageFlavor.VOLUME);
    }

    /** A channel level: JPEG / JPEG 2000 tiles copied, lossless planes decoded and stored native. */
    private static SlideImage channelLevel(TiffDirectory d, String pathId) throws IOException {
        if (copiable(d) && d.bitsPerSample() == 8) {
            return TiffImages.tiled(d, ImageFlavor.VOLUME).withOpticalPath(pathId);
        }
        return ChannelPlanes.plane(d, pathId);
    }

    private static OpticalPath channelPath(Element ch, int c) {
        String name = ch == null ? "" : ch.getAttribute("Name");
        String fluor = ch == null ? "" : ch.getAttribute("Fluor");
        double ex = ch == null ? Double.NaN : dblAttr(ch, "ExcitationWavelength");
        double em = ch == null ? Double.NaN : dblAttr(ch, "EmissionWavelength");
        String desc = (name != null && !name.isEmpty() ? name : "Channel " + (c + 1))
                + (fluor != null && !fluor.isEmpty() && !fluor.equals(name) ? " (" + fluor + ")" : "")
                + (!Double.isNaN(ex) ? "; excitation " + ex + " nm" : "")
                + (!Double.isNaN(em) ? "; emission " + em + " nm" : "");
        return new OpticalPath(Integer.toString(c + 1), desc, true, ex, em);
    }

    static long key(int c, int z, int t) {
        return ((long) t << 40) | ((long) z << 20) | c;
    }

    /** (C, Z, T) -> main-chain IFD from the TiffData elements (or planes in DimensionOrder from IFD 0 when absent). */
    static Map<Long, Integer> planeMap(Element pixels, String order, int sizeC, int sizeZ, int sizeT, String ownName) {
        int total = sizeC * sizeZ * sizeT;
        int[] size = new int[3];
        char[] dims = {order.charAt(2), order.charAt(3), order.charAt(4)};
        for (int i = 0; i < 3; i++) {
            size[i] = dims[i] == 'C' ? sizeC : dims[i] == 'Z' ? sizeZ : sizeT;
        }
        Map<Long, Integer> map = new HashMap<>();
        NodeList tds = pixels.getElementsByTagNameNS("*", "TiffData");
        if (tds.getLength() == 0) {
            for (int p = 0; p < total; p++) {
                map.put(planeKey(p, dims, size), p);
            }
            return map;
        }
        for (int i = 0; i < tds.getLength(); i++) {
            Element td = (Element) tds.item(i);
            if (td.getElementsByTagNameNS("*", "UUID").getLength() > 0) {
                String fileName = ((Element) td.getElementsByTagNameNS("*", "UUID").item(0)).getAttribute("FileName");
                if (fileName != null && !fileName.isEmpty() && !fileName.equals(ownName)) {
                    continue; // plane in another file of a multi-file set: not supported here
                }
            }
            int ifd = intAttr(td, "IFD", 0);
            int fc = intAttr(td, "FirstC", 0);
            int fz = intAttr(td, "FirstZ", 0);
            int ft = intAttr(td, "FirstT", 0);
            int count = intAttr(td, "PlaneCount", tds.getLength() == 1 && !td.hasAttribute("IFD") ? total : 1);
            int[] first = new int[3];
            for (int k = 0; k < 3; k++) {
                first[k] = dims[k] == 'C' ? fc : dims[k] == 'Z' ? fz : ft;
            }
            int start = first[0] + size[0] * (first[1] + size[1] * first[2]);
            for (int p = 0; p < count && start + p < total; p++) {
                map.put(planeKey(start + p, dims, size), ifd + p);
            }
        }
        return map;
    }

    private static long planeKey(int p, char[] dims, int[] size) {
        int[] idx = {p % size[0], (p / size[0]) % size[1], p / (size[0] * size[1])};
        int c = 0;
        int z = 0;
        int t = 0;
        for (int k = 0; k < 3; k++) {
            switch (dims[k]) {
                case 'C' -> c = idx[k];
                case 'Z' -> z = idx[k];
                default -> t = idx[k];
            }
        }
        return key(c, z, t);
    }
}
