package org.wsiarchive.converter.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.wsiarchive.converter.jpeg.JpegStreams;
import org.wsiarchive.converter.jpeg.UniformJpegTile;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.model.MemoryFrames;
import org.wsiarchive.converter.model.PixelEncoding;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.model.SlideImage;
import org.wsiarchive.converter.tiff.TiffDirectory;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffTags;

/**
 * Philips TIFF (the export format of Philips IntelliSite): the first directory's ImageDescription is an XML
 * {@code <DataObject ObjectType="DPUfsImport">} of DICOM-named attributes. The tiled directories are the levels.
 * <ul>
 * <li>The XML's {@code PixelDataRepresentation} items (one per level, by PIIM_PIXEL_DATA_REPRESENTATION_NUMBER) give
 * each level's DICOM_PIXEL_SPACING ("row" "column", mm): that is the level's spacing.</li>
 * <li>TIFF ImageWidth/Length (and the XML sizes) are whole tiles, so every level carries its own right/bottom
 * padding and the level sizes are not proportional. A level's true size is the level-0 size divided by its
 * downsample (spacing ratio); the level-0 size is the smallest size the TIFF and XML give. Tile columns/rows wholly
 * beyond the true size are dropped.</li>
 * <li>Tiles outside the scanned regions are absent (TileOffsets and TileByteCounts 0): each becomes one white JPEG
 * tile encoded once per level with that level's tables and sampling.</li>
 * <li>Label and macro: stripped directories whose description starts with "Label" / "Macro", else the base64 JPEG
 * in the XML's LABELIMAGE / MACROIMAGE scanned image.</li>
 * </ul>
 */
public final class PhilipsTiffReader implements SlideReader {

    @Override
    public String formatName() {
        return "Philips TIFF (tiled JPEG, levels and spacing from the DPUfsImport XML, sparse tiles filled)";
    }

    @Override
    public boolean accepts(TiffFile tiff) throws IOException {
        String d = tiff.directories().get(0).description();
        return d != null && d.contains("<DataObject") && d.contains("DPUfsImport");
    }

    /** A direct child {@code <Attribute Name="...">} of a DataObject (not a nested one), or null. */
    static Element attribute(Element dataObject, String name) {
        for (Node n = dataObject.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Attribute".equals(e.getLocalName()) && name.equals(e.getAttribute("Name"))) {
                return e;
            }
        }
        return null;
    }

    static String text(Element dataObject, String name) {
        Element a = attribute(dataObject, name);
        return a == null ? null : a.getTextContent().trim();
    }

    /** The DataObjects of an array attribute ({@code <Attribute><Array><DataObject>...}). */
    static List<Element> items(Element dataObject, String name) {
        List<Element> out = new ArrayList<>();
        Element a = attribute(dataObject, name);
        Element array = a == null ? null : SourceXml.first(a, "Array");
        if (array != null) {
            for (Node n = array.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && "DataObject".equals(e.getLocalName())) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Values of a Philips string/double array ({@code "a" "b"}), quotes removed. */
    static List<String> values(String array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (String v : array.trim().split("\\s+")) {
                String s = v.replace("\"", "");
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** DICOM_PIXEL_SPACING ("row" "column", mm) as {column, row}, or null. */
    static double[] spacing(Element dataObject) {
        List<String> v = values(text(dataObject, "DICOM_PIXEL_SPACING"));
        try {
            return v.size() == 2 ? new double[] {Double.parseDouble(v.get(1)), Double.parseDouble(v.get(0))} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int intText(Element dataObject, String name) {
        String t = text(dataObject, name);
        try {
            return t == null ? Integer.MAX_VALUE : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @Override
    public Slide read(TiffFile tiff) throws IOException {
        Element root = SourceXml.parse(tiff.directories().get(0).description(), "Philips DPUfsImport XML").getDocumentElement();
        if (!"DataObject".equals(root.getLocalName()) || !"DPUfsImport".equals(root.getAttribute("ObjectType"))) {
            throw new SourceException("Philips TIFF: the XML root is not DataObject ObjectType=\"DPUfsImport\"");
        }
        List<String> warnings = new ArrayList<>();
        Element wsi = null;
        Element labelXml = null;
        Element macroXml = null;
        for (Element img : items(root, "PIM_DP_SCANNED_IMAGES")) {
            String type = text(img, "PIM_DP_IMAGE_TYPE");
            if ("WSI".equals(type) && wsi == null) {
                wsi = img;
            } else if ("LABELIMAGE".equals(type) && labelXml == null) {
                labelXml = img;
            } else if ("MACROIMAGE".equals(type) && macroXml == null) {
                macroXml = img;
            }
        }
        if (wsi == null) {
            throw new SourceException("Philips TIFF: the XML has no scanned image of type WSI");
        }
        List<Element> representations = items(wsi, "PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE");
        representations.sort(Comparator.comparingInt(e -> intText(e, "PIIM_PIXEL_DATA_REPRESENTATION_NUMBER")));

        List<TiffDirectory> levelDirs = new ArrayList<>();
        SlideImage label = null;
        SlideImage macro = null;
        for (TiffDirectory d : tiff.directories()) {
            String desc = d.description();
            if (d.chainIndex() < 0) {
                warnings.add("skipped SubIFD directory " + d.index());
            } else if (d.isTiled()) {
                levelDirs.add(d);
            } else if (desc != null && desc.startsWith("Label")) {
                label = TiffImages.associated(d, ImageFlavor.LABEL);
            } else if (desc != null && desc.startsWith("Macro")) {
                macro = TiffImages.associated(d, ImageFlavor.OVERVIEW);
            } else if (d.index() != 0) {
                warnings.add("skipped TIFF directory " + d.index() + " (neither a tiled level nor label/macro)");
            }
        }
        if (levelDirs.isEmpty()) {
            throw new SourceException("Philips TIFF without tiled pyramid levels");
        }
        boolean xmlLevels = representations.size() == levelDirs.size();
        if (!xmlLevels) {
            warnings.add("the XML describes " + representations.size() + " pixel data representations for "
                    + levelDirs.size() + " tiled levels: level sizes and spacing from the TIFF alone");
        }
        double[] spacing0 = xmlLevels ? spacing(representations.get(0)) : spacing(wsi);
        TiffDirectory d0 = levelDirs.get(0);
        int width0 = d0.width();
        int height0 = d0.height();
        if (xmlLevels) {
            width0 = Math.min(width0, intText(representations.get(0), "PIIM_PIXEL_DATA_REPRESENTATION_COLUMNS"));
            height0 = Math.min(height0, intText(representations.get(0), "PIIM_PIXEL_DATA_REPRESENTATION_ROWS"));
        }
        width0 = Math.min(width0, intText(wsi, "PIM_DP_IMAGE_COLUMNS"));
        height0 = Math.min(height0, intText(wsi, "PIM_DP_IMAGE_ROWS"));

        List<SlideImage> levels = new ArrayList<>();
        int previousWidth = Integer.MAX_VALUE;
        for (int i = 0; i < levelDirs.size(); i++) {
            TiffDirectory d = levelDirs.get(i);
            double[] sp = xmlLevels ? spacing(representations.get(i)) : null;
            int w = d.width();
            int h = d.height();
            if (i == 0) {
                w = width0;
                h = height0;
            } else if (sp != null && spacing0 != null) {
                // true size = level-0 size / downsample; the small tolerance keeps float noise from adding a pixel
                w = Math.min(w, (int) Math.ceil(width0 * spacing0[0] / sp[0] - 1e-3));
                h = Math.min(h, (int) Math.ceil(height0 * spacing0[1] / sp[1] - 1e-3));
            }
            if (w >= previousWidth) {
                warnings.add("skipped TIFF directory " + d.index() + " (" + w + " px wide, not smaller than the level above)");
                continue;
            }
            previousWidth = w;
            SlideImage level = sparseLevel(TiffImages.tiled(d, ImageFlavor.VOLUME), d, w, h, levels.size(), warnings);
            if (sp != null && spacing0 != null) {
                level = level.withSpacing(sp[0], sp[1], false);
            }
            levels.add(level);
        }

        List<SlideImage> associated = new ArrayList<>();
        if (label == null && labelXml != null) {
            label = embeddedJpeg(labelXml, ImageFlavor.LABEL, warnings);
        }
        if (macro == null && macroXml != null) {
            macro = embeddedJpeg(macroXml, ImageFlavor.OVERVIEW, warnings);
        }
        if (macro != null) {
            associated.add(macro);
        }
        if (label != null) {
            associated.add(label);
        }

        Map<String, String> props = new LinkedHashMap<>();
        List<String> software = values(text(root, "DICOM_SOFTWARE_VERSIONS"));
        String tiffSoftware = d0.string(TiffTags.SOFTWARE);
        if (!software.isEmpty()) {
            props.put("SoftwareVersions", String.join(" ", software));
        } else if (tiffSoftware != null) {
            props.put("SoftwareVersions", tiffSoftware);
        }
        String acquired = text(root, "DICOM_ACQUISITION_DATETIME");
        String dateTime = acquired != null && acquired.matches("\\d{14}.*") ? acquired.substring(0, 14) : null;
        double mppX = spacing0 == null ? Double.NaN : spacing0[0] * 1000;
        double mppY = spacing0 == null ? Double.NaN : spacing0[1] * 1000;
        List<String> serial = values(text(root, "DICOM_DEVICE_SERIAL_NUMBER"));
        return new Slide("Philips TIFF", levels, associated, mppX, mppY, Double.NaN, d0.bytes(TiffTags.ICC_PROFILE),
                text(root, "DICOM_MANUFACTURER"), text(root, "DICOM_MANUFACTURERS_MODEL_NAME"),
                serial.isEmpty() ? null : serial.get(0), dateTime, props, warnings, tiff);
    }

    /**
     * A level restricted to the tiles that cover its true size, absent tiles replaced by one white tile encoded with
     * the level's own tables and sampling (so every frame decodes like its neighbours).
     */
    static SlideImage sparseLevel(SlideImage level, TiffDirectory d, int width, int height, int levelNo,
                                  List<String> warnings) throws IOException {
        TiffTileFrames tiles = (TiffTileFrames) level.frames();
        int across = (width + level.tileWidth() - 1) / level.tileWidth();
        int down = (height + level.tileHeight() - 1) / level.tileHeight();
        TiffTileFrames kept = tiles.cropped(level.tilesAcross(), across, down);
        int missing = kept.missingTiles();
        String note = level.note();
        if (missing > 0) {
            int reference = kept.firstStoredTile();
            if (reference < 0) {
                throw new SourceException("Philips TIFF directory " + d.index() + " stores no tile at all");
            }
            if (level.encoding() != PixelEncoding.JPEG_BASELINE) {
                throw new SourceException("Philips TIFF directory " + d.index() + " has " + missing
                        + " missing tiles; filling is only supported for JPEG tiles");
            }
            int[] white = switch (level.photometric()) {
                case "MONOCHROME2" -> new int[] {255};
                case "RGB" -> new int[] {255, 255, 255};
                default -> new int[] {255, 128, 128}; // YCbCr: full luma, neutral chroma
            };
            byte[] fill;
            try {
                fill = UniformJpegTile.encode(kept.frameBytes(reference), white);
            } catch (IllegalArgumentException e) {
                throw new SourceException("Philips TIFF directory " + d.index() + ": cannot encode a background tile for "
                        + "its missing tiles: " + e.getMessage(), e);
            }
            kept = kept.withMissingTilesAs(fill);
            warnings.add("level " + levelNo + ": " + missing + " of " + kept.frameCount() + " tiles are absent in the "
                    + "source (sparse Philips TIFF) and were filled with a white tile");
            note += "; " + missing + " absent tiles filled with a white JPEG tile";
        }
        return level.withFrames(width, height, kept, note);
    }

    /** A label / macro stored as a base64 JPEG in the XML, kept compressed when it is baseline. */
    static SlideImage embeddedJpeg(Element scannedImage, ImageFlavor flavor, List<String> warnings) {
        String b64 = text(scannedImage, "PIM_DP_IMAGE_DATA");
        if (b64 == null || b64.isEmpty()) {
            return null;
        }
        try {
            byte[] jpeg = Base64.getMimeDecoder().decode(b64);
            JpegStreams.Header h = JpegStreams.parseHeader(jpeg);
            JpegStreams.FrameInfo f = JpegStreams.frameInfo(jpeg, h);
            if (f.sofMarker() != 0xC0) {
                warnings.add(flavor.name().toLowerCase() + " image in the XML is not baseline JPEG: skipped");
                return null;
            }
            int components = f.componentIds().length;
            String photometric = components == 1 ? "MONOCHROME2"
                    : f.rgbComponentIds() || adobeTransformZero(jpeg, h) ? "RGB" : "YBR_FULL_422";
            return new SlideImage(flavor, f.width(), f.height(), f.width(), f.height(), components, photometric,
                    PixelEncoding.JPEG_BASELINE, new MemoryFrames(List.of(jpeg), true), Double.NaN, Double.NaN, false,
                    "JPEG from the XML description copied");
        } catch (IllegalArgumentException e) {
            warnings.add(flavor.name().toLowerCase() + " image in the XML cannot be read: " + e.getMessage());
            return null;
        }
    }

    /** Adobe APP14 with transform 0: the components are RGB, not YCbCr. */
    private static boolean adobeTransformZero(byte[] jpeg, JpegStreams.Header h) {
        for (JpegStreams.Segment s : h.segments()) {
            if (s.marker() == 0xEE && s.length() >= 16 && jpeg[s.offset() + 4] == 'A' && jpeg[s.offset() + 5] == 'd') {
                return jpeg[s.offset() + 15] == 0;
            }
        }
        return false;
    }
}
