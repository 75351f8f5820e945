package org.wsiarchive.core.dicom;

import com.pixelmed.dicom.*;
import org.wsiarchive.core.dicom.json.DicomJsonWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An instance's WADO-RS metadata, computed once at ingest. BulkDataURIs must be absolute and use the scheme and
 * host the client used (which can differ per request, e.g. behind a proxy), so they are stored with a
 * placeholder for the base URL that {@link #expand} replaces when serving.
 */
public final class MetadataJson {

    /** Stands for the DICOMweb base URL (e.g. http://host:8080/dicom-web) in stored metadata. */
    public static final String BASE_PLACEHOLDER = "{{dicomweb-base}}";

    private MetadataJson() {}

    /**
     * @param pixelDataVr the VR of the instance's Pixel Data (OB or OW), or null when it has none; Pixel Data is
     *                    not in the header but must appear in the metadata as a BulkDataURI
     */
    public static byte[] buildCompressed(InstanceHeader header, String pixelDataVr) {
        AttributeList list = new AttributeList();
        list.putAll(header.attributes());
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        try {
            if (pixelDataVr != null) {
                list.put("OW".equals(pixelDataVr) ? new OtherWordAttribute(TagFromName.PixelData)
                        : new OtherByteAttribute(TagFromName.PixelData));
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(e);
        }
        String prefix = BASE_PLACEHOLDER + "/studies/" + header.studyInstanceUid() + "/series/"
                + header.seriesInstanceUid() + "/instances/" + header.sopInstanceUid() + "/bulkdata/";
        byte[] json = new DicomJsonWriter(DicomJsonWriter.defaultPolicy(prefix)).toBytes(list);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(json.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The stored metadata as served: placeholders replaced by {@code baseUrl}. */
    public static String expand(byte[] compressed, String baseUrl) {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return json.replace(BASE_PLACEHOLDER, baseUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
