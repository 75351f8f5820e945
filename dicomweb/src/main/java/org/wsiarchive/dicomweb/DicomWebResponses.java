package org.wsiarchive.dicomweb;

import com.pixelmed.dicom.AttributeList;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.wsiarchive.core.dicom.json.DicomJsonWriter;

import java.util.List;

/** Response helpers shared by the DICOMweb resources. */
final class DicomWebResponses {

    static final String DICOM_JSON = "application/dicom+json";
    private static final DicomJsonWriter JSON = new DicomJsonWriter(DicomJsonWriter.defaultPolicy(""));

    private DicomWebResponses() {}

    /** A DICOM JSON array of data sets, streamed. */
    static StreamingOutput jsonArray(List<AttributeList> datasets) {
        return out -> {
            try (JsonGenerator g = Json.createGenerator(out)) {
                JSON.writeArray(g, datasets);
            }
        };
    }

    /** A DICOM JSON object (one data set). */
    static StreamingOutput jsonObject(AttributeList dataset) {
        return out -> {
            try (JsonGenerator g = Json.createGenerator(out)) {
                JSON.write(g, dataset);
            }
        };
    }

    /** An RFC 7234 Warning header value (code 299, as PS3.18 uses) carrying a reason for the client. */
    static String warning(String text) {
        return "299 wsi-archive \"" + text.replace("\\", "\\\\").replace("\"", "'").replaceAll("[\\r\\n]", " ") + "\"";
    }

    /** An error with its reason in the body (text/plain) and in a Warning header. */
    static Response error(Response.Status status, String reason) {
        return error(status.getStatusCode(), reason);
    }

    static Response error(int status, String reason) {
        return Response.status(status).type("text/plain;charset=utf-8").header("Warning", warning(reason))
                .entity(reason + "\n").build();
    }
}
