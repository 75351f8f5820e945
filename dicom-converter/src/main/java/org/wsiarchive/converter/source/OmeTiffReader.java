package org.wsiarchive.converter.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wsiarchive.converter.model.OpticalPath;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;

/**
 * OME-TIFF with 8-bit unsigned fluorescence channels: the OME-XML in the first directory's ImageDescription gives the
 * channels (Name, Fluor, Excitation/EmissionWavelength), the physical pixel size and, through TiffData, which IFD holds
 * which (C, Z, T) plane. The planes of Z = 0, T = 0 are converted, one optical path and one instance per channel
 * (MONOCHROME2, decoded losslessly and stored native). Sub-resolutions in SubIFDs are not converted yet.
 */
public final class OmeTiffReader implements SlideReader {

    @Override
    public String formatName() {
        return "OME-TIFF (8-bit unsigned channels, Z=0/T=0)";
    }

    @Override
    public boolean accepts(TiffFile tiff) throws IOException {
        String d = tiff.directories().get(0).description();
        return d != null && d.contains("<OME") && d.contains("openmicroscopy.org/Schemas/OME");
    }

    static Document parse(String description) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            // TiffDirectory.string() maps bytes 1:1 (ISO-8859-1): give the parser the original bytes
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(description.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (Exception e) {
            throw new SourceException("malformed OME-XML: " + e.getMessage(), e);
        }
    }

    private static Element first(Element parent, String name) {
        NodeList l = parent.getElementsByTagNameNS("*", name);
        return l.getLength() == 0 ? null : (Element) l.item(0);
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
            default -> Double.NaN;
        };
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        List<TiffDirectory> dirs = tiff.directories();
        Document doc = parse(dirs.get(0).description());
        Element root = doc.getDocumentElement();
        NodeList images = root.getElementsByTagNameNS("*", "Image");
        if (images.getLength() == 0) {
            throw new SourceException("OME-XML without an Image");
        }
        List<String> warnings = new ArrayList<>();
        if (images.getLength() > 1) {
            warnings.add("OME-TIFF holds " + images.getLength() + " images; only the first is converted");
        }
        Element pixels = first((Element) images.item(0), "Pixels");
        if (pixels == null) {
            throw new SourceException("OME-XML Image without Pixels");
        }
        String type = pixels.getAttribute("Type");
        if (!"uint8".equals(type)) {
            throw new SourceException("OME-TIFF pixel type " + type + " is not supported (8-bit unsigned channels only)");
        }
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
        for (int c = 0; c < channels.getLength(); c++) {
            if (intAttr((Element) channels.item(c), "SamplesPerPixel", 1) != 1) {
                throw new SourceException("OME-TIFF channel " + c + " has several samples per pixel (RGB OME-TIFF is not supported yet)");
            }
        }
        Map<Long, Integer> planeToIfd = planeMap(pixels, order, sizeC, sizeZ, sizeT, tiff.path().getFileName().toString());
        Map<Integer, TiffDirectory> byChain = new HashMap<>();
        for (TiffDirectory d : dirs) {
            if (d.chainIndex() >= 0) {
                byChain.put(d.chainIndex(), d);
            }
            if (d.chainIndex() < 0) {
                warnings.add("sub-resolution TIFF directory " + d.index() + " (SubIFD) not converted yet");
            }
        }
        List<OpticalPath> paths = new ArrayList<>();
        List<SlideImage> levels = new ArrayList<>();
        for (int c = 0; c < sizeC; c++) {
            Integer ifd = planeToIfd.get(key(c, 0, 0));
            TiffDirectory d = ifd == null ? null : byChain.get(ifd);
            if (d == null) {
                throw new SourceException("OME-TIFF: no TIFF directory for channel " + c + " (Z=0, T=0)");
            }
            if (d.width() != sizeX || d.height() != sizeY) {
                throw new SourceException("OME-TIFF: IFD " + ifd + " is " + d.width() + "x" + d.height() + ", OME-XML says "
                        + sizeX + "x" + sizeY);
            }
            Element ch = c < channels.getLength() ? (Element) channels.item(c) : null;
            String name = ch == null ? "" : ch.getAttribute("Name");
            String fluor = ch == null ? "" : ch.getAttribute("Fluor");
            double ex = ch == null ? Double.NaN : dblAttr(ch, "ExcitationWavelength");
            double em = ch == null ? Double.NaN : dblAttr(ch, "EmissionWavelength");
            String desc = (name != null && !name.isEmpty() ? name : "Channel " + (c + 1))
                    + (fluor != null && !fluor.isEmpty() && !fluor.equals(name) ? " (" + fluor + ")" : "")
                    + (!Double.isNaN(ex) ? "; excitation " + ex + " nm" : "")
                    + (!Double.isNaN(em) ? "; emission " + em + " nm" : "");
            String id = Integer.toString(c + 1);
            paths.add(new OpticalPath(id, desc, true, ex, em));
            levels.add(ChannelPlanes.plane(d, id));
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
        Element date = first((Element) images.item(0), "AcquisitionDate");
        if (date != null) {
            String t = date.getTextContent().trim();
            if (t.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}.*")) {
                acq = t.substring(0, 4) + t.substring(5, 7) + t.substring(8, 10) + t.substring(11, 13) + t.substring(14, 16)
                        + t.substring(17, 19);
            }
        }
        return new Slide("OME-TIFF", levels, List.of(), mppX, mppY, Double.NaN, null, null, null, null, acq, props,
                warnings, tiff, paths);
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
