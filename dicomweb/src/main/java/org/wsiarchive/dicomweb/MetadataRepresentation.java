package org.wsiarchive.dicomweb;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.wsiarchive.core.dicom.MetadataJson;
import org.wsiarchive.core.dicom.xml.NativeDicomModelWriter;
import org.wsiarchive.core.multipart.MultipartRelatedWriter;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The two forms of WADO-RS metadata (PS3.18 10.4.1.1.2): {@code application/dicom+json}, an array of the stored
 * JSON objects, and {@code multipart/related; type="application/dicom+xml"}, one Native DICOM Model document per
 * instance (PS3.19), derived from the same stored JSON so that both carry the same absolute BulkDataURIs.
 */
enum MetadataRepresentation {

    JSON {
        @Override
        Response.ResponseBuilder response(List<byte[]> stored, String base) {
            StreamingOutput body = out -> {
                out.write('[');
                for (int k = 0; k < stored.size(); k++) {
                    if (k > 0) out.write(',');
                    out.write(MetadataJson.expand(stored.get(k), base).getBytes(StandardCharsets.UTF_8));
                }
                out.write(']');
            };
            return Response.ok(body, DicomWebResponses.DICOM_JSON);
        }

        @Override
        String etagSuffix() {
            return "";
        }
    },

    XML {
        @Override
        Response.ResponseBuilder response(List<byte[]> stored, String base) {
            String boundary = MultipartRelatedWriter.newBoundary();
            StreamingOutput body = out -> {
                try (MultipartRelatedWriter writer = new MultipartRelatedWriter(out, boundary)) {
                    for (byte[] s : stored) {
                        JsonObject dataset;
                        try (JsonReader r = Json.createReader(new StringReader(MetadataJson.expand(s, base)))) {
                            dataset = r.readObject();
                        }
                        writer.part(DICOM_XML, Map.of(), o -> NativeDicomModelWriter.write(dataset, o));
                    }
                }
            };
            return Response.ok(body, "multipart/related; type=\"" + DICOM_XML + "\"; boundary=" + boundary);
        }

        @Override
        String etagSuffix() {
            return "-xml";
        }
    };

    static final String DICOM_XML = "application/dicom+xml";

    abstract Response.ResponseBuilder response(List<byte[]> stored, String base);

    /** Distinguishes the representations' entity tags (same instance, different bytes). */
    abstract String etagSuffix();

    /**
     * The representation an Accept header asks for, best quality first: JSON for application/dicom+json,
     * application/json or a wildcard; XML for multipart/related whose type is application/dicom+xml (or absent:
     * XML is the only multipart form of metadata). Null when neither is acceptable (406). No Accept header: JSON.
     */
    static MetadataRepresentation choose(String acceptHeader) {
        List<AcceptedType> accepted = AcceptedType.parse(acceptHeader);
        if (accepted.isEmpty()) return acceptHeader == null || acceptHeader.isBlank() ? JSON : null;
        for (AcceptedType a : accepted) {
            if (a.multipart()) {
                if (a.partType() == null || a.accepts(DICOM_XML)) return XML;
            } else if (a.accepts(DicomWebResponses.DICOM_JSON) || a.accepts("application/json")) {
                return JSON;
            }
        }
        return null;
    }
}
