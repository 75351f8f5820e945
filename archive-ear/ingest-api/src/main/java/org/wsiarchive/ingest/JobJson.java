package org.wsiarchive.ingest;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import org.wsiarchive.core.entity.ConversionJob;

import java.io.StringReader;
import java.time.OffsetDateTime;
import java.util.Map;

/** The JSON form of a conversion job, as GET /api/conversion-jobs/{id} returns it. */
final class JobJson {

    private JobJson() {}

    static JsonObject of(ConversionJob job, String href) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", job.getId())
                .add("href", href)
                .add("status", job.getStatus().name())
                .add("origin", job.getOrigin().name())
                .add("sourceFileName", job.getSourceFileName());
        text(b, "sourcePath", job.getSourcePath());
        if (job.getSourceSize() != null) b.add("sourceSize", job.getSourceSize());
        b.add("progressPercent", job.getProgressPercent());
        b.add("framesStored", job.getFramesStored());
        if (job.getFramesTotal() != null) b.add("framesTotal", job.getFramesTotal());
        text(b, "message", job.getMessage());
        time(b, "createdTime", job.getCreatedTime());
        time(b, "startedTime", job.getStartedTime());
        time(b, "finishedTime", job.getFinishedTime());
        text(b, "studyInstanceUID", job.getStudyInstanceUid());
        text(b, "seriesInstanceUID", job.getSeriesInstanceUid());
        b.add("instanceCount", job.getInstanceCount());
        JsonObjectBuilder requester = Json.createObjectBuilder().add("protocol", job.getRequesterProtocol());
        text(requester, "user", job.getRequesterUser());
        text(requester, "host", job.getRequesterHost());
        b.add("requester", requester);
        b.add("metadata", metadata(job.getMetadata()));
        return b.build();
    }

    /** The stored metadata document (a flat object of DICOM keyword → value). */
    static JsonObject metadata(String json) {
        if (json == null || json.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static String metadataJson(Map<String, String> values) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        values.forEach(b::add);
        return b.build().toString();
    }

    static String error(String message) {
        return Json.createObjectBuilder().add("error", message).build().toString();
    }

    private static void text(JsonObjectBuilder b, String name, String value) {
        if (value != null) b.add(name, value);
    }

    private static void time(JsonObjectBuilder b, String name, OffsetDateTime value) {
        if (value != null) b.add(name, value.toString());
    }
}
