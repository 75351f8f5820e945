package org.wsiarchive.core.dicom.json;

import org.wsiarchive.core.io.CountingOutputStream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DICOM Part 10 object built from one DICOM JSON data set and the bulk data its BulkDataURIs reference (STOW-RS
 * with {@code multipart/related; type="application/dicom+json"}, PS3.18 10.5.1.2.2). The attributes are converted
 * by {@link DicomJsonReader} and written by PixelMed with fresh File Meta Information; Pixel Data is copied from the
 * received bulk data files straight to the output (never held in memory), native as one value, encapsulated as an
 * empty Basic Offset Table followed by one fragment per frame, each frame being one bulk data part.
 *
 * <p>The transfer syntax is, in this order: (0002,0010) in the JSON, the {@code transfer-syntax} parameter of the
 * Pixel Data part's Content-Type, the syntax implied by its media type (image/jpeg → JPEG Baseline, image/jls →
 * JPEG-LS lossless, image/jp2 → JPEG 2000, image/dicom-rle → RLE, application/octet-stream → Explicit VR Little
 * Endian), Explicit VR Little Endian without Pixel Data. Big endian and deflated syntaxes are refused: the bulk
 * data of DICOMweb is little endian and not deflated.
 */
public final class Part10FromJson {

    /** One received bulk data part. */
    public record BulkPart(Path file, long size, String contentType) {}

    /** The received bulk data parts that carry a given BulkDataURI (Content-Location), in body order. */
    public interface BulkData {
        List<BulkPart> parts(String uri);
    }

    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final int PIXEL_DATA = 0x7FE00010;
    /** A bulk data value other than Pixel Data is read into memory; larger ones are refused. */
    static final long MAX_INLINE_BULK = 64L * 1024 * 1024;

    private static final Map<String, String> SYNTAX_OF_MEDIA_TYPE = Map.of(
            "image/jpeg", "1.2.840.10008.1.2.4.50",
            "image/jls", "1.2.840.10008.1.2.4.80",
            "image/jp2", "1.2.840.10008.1.2.4.90",
            "image/jpx", "1.2.840.10008.1.2.4.92",
            "image/dicom-rle", "1.2.840.10008.1.2.5",
            "application/octet-stream", EXPLICIT_LE);

    private final AttributeList attributes;
    private final String transferSyntaxUid;
    private final List<BulkPart> pixelData;
    private final String pixelDataVr;

    private Part10FromJson(AttributeList attributes, String transferSyntaxUid, List<BulkPart> pixelData, String pixelDataVr) {
        this.attributes = attributes;
        this.transferSyntaxUid = transferSyntaxUid;
        this.pixelData = pixelData;
        this.pixelDataVr = pixelDataVr;
    }

    /** Converts and checks a data set; nothing is written yet. */
    public static Part10FromJson prepare(JsonObject dataset, BulkData bulk) throws DicomJsonReader.DicomJsonException {
        List<BulkPart>[] pixel = new List[1];
        String[] pixelVr = new String[1];
        DicomJsonReader reader = new DicomJsonReader((path, vr, uri) -> {
            List<BulkPart> parts = bulk.parts(uri);
            if (parts == null || parts.isEmpty()) {
                throw new DicomJsonReader.DicomJsonException("BulkDataURI " + uri + " of " + path
                        + " is not the Content-Location of any part of the request");
            }
            if (path.isTopLevel() && path.tag() == PIXEL_DATA) {
                pixel[0] = parts;
                pixelVr[0] = vr;
                return null; // streamed by writeTo
            }
            if (parts.size() != 1) {
                throw new DicomJsonReader.DicomJsonException("BulkDataURI " + uri + " of " + path + " names " + parts.size() + " parts");
            }
            if (parts.get(0).size() > MAX_INLINE_BULK) {
                throw new DicomJsonReader.DicomJsonException("bulk data of " + path + " is larger than " + MAX_INLINE_BULK + " bytes");
            }
            try {
                return Files.readAllBytes(parts.get(0).file());
            } catch (IOException e) {
                throw new DicomJsonReader.DicomJsonException("bulk data of " + path + " could not be read: " + e.getMessage(), e);
            }
        });
        if (dataset.containsKey("7FE00010") && dataset.getJsonObject("7FE00010").containsKey("InlineBinary")) {
            throw new DicomJsonReader.DicomJsonException("Pixel Data as InlineBinary is not accepted; send it as bulk data");
        }
        AttributeList list = reader.read(dataset);
        String ts = transferSyntax(dataset, pixel[0]);
        if (ts.equals("1.2.840.10008.1.2.2") || ts.equals("1.2.840.10008.1.2.1.99")) {
            throw new DicomJsonReader.DicomJsonException("transfer syntax " + ts + " cannot be built from DICOMweb bulk data"
                    + " (big endian or deflated)");
        }
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        list.remove(new AttributeTag(0xFFFC, 0xFFFC)); // trailing padding: no meaning, and it would follow Pixel Data
        for (AttributeTag t : list.keySet()) {
            if (((t.getGroup() << 16) | t.getElement()) > PIXEL_DATA || t.getGroup() > 0x7FE0) {
                throw new DicomJsonReader.DicomJsonException("attribute " + t + " after Pixel Data is not supported");
            }
        }
        for (AttributeTag required : List.of(TagFromName.SOPClassUID, TagFromName.SOPInstanceUID,
                TagFromName.StudyInstanceUID, TagFromName.SeriesInstanceUID)) {
            if (Attribute.getSingleStringValueOrEmptyString(list, required).isEmpty()) {
                throw new DicomJsonReader.DicomJsonException("the data set has no " + list.getDictionary().getNameFromTag(required));
            }
        }
        if (pixel[0] != null) {
            boolean encapsulated = isEncapsulated(ts);
            int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
            if (encapsulated && pixel[0].size() != frames) {
                throw new DicomJsonReader.DicomJsonException("encapsulated Pixel Data needs one bulk data part per frame: "
                        + pixel[0].size() + " parts for " + frames + " frames");
            }
            if (!encapsulated && pixel[0].size() != 1) {
                throw new DicomJsonReader.DicomJsonException("native Pixel Data must be one bulk data part, got " + pixel[0].size());
            }
            if (!encapsulated && pixel[0].get(0).size() > 0xFFFFFFFEL) {
                throw new DicomJsonReader.DicomJsonException("native Pixel Data longer than 4 GiB cannot be encoded");
            }
        }
        String vr = pixelVr[0];
        if (pixel[0] != null && isEncapsulated(ts)) {
            vr = "OB";
        } else if (vr == null || !(vr.equals("OB") || vr.equals("OW"))) {
            vr = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8) > 8 ? "OW" : "OB";
        }
        try {
            FileMetaInformation.addFileMetaInformation(list, ts, "WSIARCHIVE");
        } catch (DicomException e) {
            throw new DicomJsonReader.DicomJsonException("File Meta Information cannot be built: " + e.getMessage(), e);
        }
        return new Part10FromJson(list, ts, pixel[0], vr);
    }

    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }

    public String sopInstanceUid() {
        return Attribute.getSingleStringValueOrNull(attributes, TagFromName.SOPInstanceUID);
    }

    public String sopClassUid() {
        return Attribute.getSingleStringValueOrNull(attributes, TagFromName.SOPClassUID);
    }

    public String studyInstanceUid() {
        return Attribute.getSingleStringValueOrNull(attributes, TagFromName.StudyInstanceUID);
    }

    /** Writes the Part 10 object; returns the number of bytes written. */
    public long writeTo(OutputStream target) throws IOException {
        CountingOutputStream counting = new CountingOutputStream(target);
        BufferedOutputStream out = new BufferedOutputStream(counting, 1 << 16);
        try {
            DicomOutputStream dout = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, transferSyntaxUid);
            attributes.write(dout, true);
            dout.flush();
        } catch (DicomException e) {
            throw new IOException("data set cannot be encoded: " + e.getMessage(), e);
        }
        if (pixelData != null) {
            boolean implicit = transferSyntaxUid.equals(IMPLICIT_LE);
            if (isEncapsulated(transferSyntaxUid)) {
                out.write(header(PIXEL_DATA, "OB", 0xFFFFFFFFL, false));
                out.write(item(0xE000, 0)); // empty Basic Offset Table
                for (BulkPart frame : pixelData) {
                    long padded = frame.size() + (frame.size() & 1);
                    if (padded > 0xFFFFFFFEL) throw new IOException("a frame longer than 4 GiB cannot be encapsulated");
                    out.write(item(0xE000, padded));
                    Files.copy(frame.file(), out);
                    if ((frame.size() & 1) != 0) out.write(0);
                }
                out.write(item(0xE0DD, 0)); // sequence delimiter
            } else {
                BulkPart value = pixelData.get(0);
                long padded = value.size() + (value.size() & 1);
                out.write(header(PIXEL_DATA, pixelDataVr, padded, implicit));
                Files.copy(value.file(), out);
                if ((value.size() & 1) != 0) out.write(0);
            }
        }
        out.flush();
        return counting.count();
    }

    static boolean isEncapsulated(String ts) {
        return !(ts.equals(EXPLICIT_LE) || ts.equals(IMPLICIT_LE) || ts.equals("1.2.840.10008.1.2.2")
                || ts.equals("1.2.840.10008.1.2.1.99"));
    }

    private static String transferSyntax(JsonObject dataset, List<BulkPart> pixel) throws DicomJsonReader.DicomJsonException {
        JsonObject meta = dataset.getJsonObject("00020010");
        if (meta != null && meta.containsKey("Value")) {
            JsonValue v = meta.getJsonArray("Value").isEmpty() ? null : meta.getJsonArray("Value").get(0);
            if (v instanceof JsonString s && !s.getString().isBlank()) return s.getString().trim();
        }
        if (pixel == null) return EXPLICIT_LE;
        String type = pixel.get(0).contentType();
        if (type == null) return EXPLICIT_LE;
        String mediaType = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        for (String p : type.split(";")) {
            String[] kv = p.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("transfer-syntax")) {
                return kv[1].trim().replace("\"", "");
            }
        }
        String ts = SYNTAX_OF_MEDIA_TYPE.get(mediaType);
        if (ts == null) {
            throw new DicomJsonReader.DicomJsonException("Pixel Data of media type " + mediaType
                    + " without a transfer-syntax parameter: the transfer syntax is unknown");
        }
        return ts;
    }

    /** An explicit (or implicit) VR little endian element header with a 4-byte length. */
    private static byte[] header(int tag, String vr, long length, boolean implicit) {
        ByteBuffer b = ByteBuffer.allocate(implicit ? 8 : 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag);
        if (!implicit) {
            b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1)).putShort((short) 0);
        }
        b.putInt((int) length);
        return b.array();
    }

    private static byte[] item(int element, long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFE).putShort((short) element)
                .putInt((int) length).array();
    }

}
