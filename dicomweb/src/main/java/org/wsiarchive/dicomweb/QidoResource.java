package org.wsiarchive.dicomweb;

import com.pixelmed.dicom.*;
import jakarta.inject.Inject;
import org.wsiarchive.core.dicom.Keywords;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.*;
import org.wsiarchive.core.query.*;

import jakarta.json.*;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import org.wsiarchive.core.dicom.MetadataJson;
import org.wsiarchive.core.dicom.json.DicomJsonWriter;

import java.io.ByteArrayInputStream;
import java.util.*;

/**
 * QIDO-RS (PS3.18 10.6): a thin adapter turning query parameters into a {@link QueryRequest} for the archive's
 * {@link QueryService} and its matches into DICOM JSON.
 */
@Path("/")
public class QidoResource {

    static final int MAX_LIMIT = 1000;
    private static final DicomJsonWriter JSON = new DicomJsonWriter(DicomJsonWriter.defaultPolicy(""));
    // looked up once: the static Json.create* methods search for the provider on every call
    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    /** Sequence paths the index matches: the last element, on any item of the sequence. */
    private static final Set<String> MATCHED_PATHS = Set.of(
            "SpecimenDescriptionSequence.SpecimenIdentifier", "00400560.00400551",
            "SpecimenDescriptionSequence.SpecimenUID", "00400560.00400554");

    @Inject
    QueryService queries;
    @Context
    UriInfo uriInfo;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    @Path("studies")
    public Response studies() {
        return search(QueryLevel.STUDY, QueryLevel.STUDY, null, null);
    }

    @GET
    @Path("series")
    public Response allSeries() {
        return search(QueryLevel.SERIES, QueryLevel.STUDY, null, null);
    }

    @GET
    @Path("studies/{study}/series")
    public Response studySeries(@PathParam("study") String study) {
        return search(QueryLevel.SERIES, QueryLevel.SERIES, study, null);
    }

    @GET
    @Path("instances")
    public Response allInstances() {
        return search(QueryLevel.INSTANCE, QueryLevel.STUDY, null, null);
    }

    @GET
    @Path("studies/{study}/instances")
    public Response studyInstances(@PathParam("study") String study) {
        return search(QueryLevel.INSTANCE, QueryLevel.SERIES, study, null);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances")
    public Response seriesInstances(@PathParam("study") String study, @PathParam("series") String series) {
        return search(QueryLevel.INSTANCE, QueryLevel.INSTANCE, study, series);
    }

    private Response search(QueryLevel level, QueryLevel returnFrom, String study, String series) {
        if (!acceptsJson()) {
            return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE,
                    "search results are available as application/dicom+json only");
        }
        QueryRequest query;
        List<String> unmatched = new ArrayList<>();
        try {
            query = parse(level, returnFrom, study, series, uriInfo.getQueryParameters(), unmatched);
        } catch (InvalidQueryException e) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        QueryResult result;
        try {
            result = queries.query(query, RequestContext.requester(request));
        } catch (InvalidQueryException e) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        String base = RequestContext.baseUrl(uriInfo, headers);
        for (AttributeList match : result.matches()) {
            addRetrieveUrl(match, level, base);
        }
        Response.ResponseBuilder response = Response.ok(jsonArray(result, base), DicomWebResponses.DICOM_JSON);
        if (result.moreAvailable()) {
            response.header("Warning", DicomWebResponses.warning("The number of results exceeded the maximum"
                    + " supported by the server or the limit requested. Additional results can be requested."));
        }
        unmatched.addAll(result.unmatchedKeys());
        if (!unmatched.isEmpty()) {
            response.header("Warning", DicomWebResponses.warning("The following query keys are not supported for"
                    + " matching and were ignored: " + String.join(", ", unmatched)));
        }
        return response.build();
    }

    /**
     * The matches as a DICOM JSON array. A match with attributes from the stored metadata (includefield of what
     * the index does not hold) is merged with them in tag order, its BulkDataURIs made absolute for this request.
     */
    private static StreamingOutput jsonArray(QueryResult result, String base) {
        return out -> {
            try (JsonGenerator g = GENERATORS.createGenerator(out, java.nio.charset.StandardCharsets.UTF_8)) {
                g.writeStartArray();
                for (int i = 0; i < result.matches().size(); i++) {
                    AttributeList match = result.matches().get(i);
                    JsonObject stored = result.storedAttributes().get(i);
                    if (stored == null || stored.isEmpty()) {
                        JSON.write(g, match);
                        continue;
                    }
                    JsonObject indexed;
                    try (JsonReader reader = READERS.createReader(new ByteArrayInputStream(JSON.toBytes(match)), java.nio.charset.StandardCharsets.UTF_8)) {
                        indexed = reader.readObject();
                    }
                    TreeMap<String, JsonValue> merged = new TreeMap<>(indexed);
                    stored.forEach((k, v) -> merged.putIfAbsent(k, withBase(v, base)));
                    JsonObjectBuilder b = BUILDERS.createObjectBuilder();
                    merged.forEach(b::add);
                    g.write(b.build());
                }
                g.writeEnd();
            }
        };
    }

    /** Replaces the stored metadata's base placeholder in every string (BulkDataURIs) of {@code value}. */
    private static JsonValue withBase(JsonValue value, String base) {
        return switch (value.getValueType()) {
            case STRING -> {
                String s = ((JsonString) value).getString();
                yield s.contains(MetadataJson.BASE_PLACEHOLDER)
                        ? Json.createValue(s.replace(MetadataJson.BASE_PLACEHOLDER, base)) : value;
            }
            case OBJECT -> {
                JsonObjectBuilder b = BUILDERS.createObjectBuilder();
                value.asJsonObject().forEach((k, v) -> b.add(k, withBase(v, base)));
                yield b.build();
            }
            case ARRAY -> {
                JsonArrayBuilder b = BUILDERS.createArrayBuilder();
                value.asJsonArray().forEach(v -> b.add(withBase(v, base)));
                yield b.build();
            }
            default -> value;
        };
    }

    private boolean acceptsJson() {
        List<AcceptedType> accepted = AcceptedType.parse(headers.getHeaderString(HttpHeaders.ACCEPT));
        return accepted.isEmpty() || accepted.stream().anyMatch(a -> !a.multipart()
                && (a.accepts(DicomWebResponses.DICOM_JSON) || a.accepts("application/json")));
    }

    /**
     * @param unmatched receives the keys accepted but not matched (sequence paths the index does not hold)
     */
    static QueryRequest parse(QueryLevel level, QueryLevel returnFrom, String study, String series,
                              MultivaluedMap<String, String> params, List<String> unmatched)
            throws InvalidQueryException {
        Map<AttributeTag, String> keys = new LinkedHashMap<>();
        Set<AttributeTag> include = new LinkedHashSet<>();
        boolean includeAll = false;
        int limit = MAX_LIMIT, offset = 0;
        boolean fuzzy = false;
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            String name = p.getKey();
            switch (name) {
                case "limit" -> limit = nonNegative(name, last(p.getValue()));
                case "offset" -> offset = nonNegative(name, last(p.getValue()));
                case "fuzzymatching" -> fuzzy = bool(name, last(p.getValue()));
                // PS3.18 8.3.3.1: the URI service's own parameters; the Accept header is what we answer to
                case "accept", "charset" -> { }
                case "includefield" -> {
                    for (String v : p.getValue()) {
                        for (String field : v.split(",")) {
                            if (field.isBlank()) continue;
                            if (field.trim().equals("all")) includeAll = true;
                            else include.add(tag(field.trim()));
                        }
                    }
                }
                default -> {
                    if (name.contains(".")) {
                        // a sequence path (e.g. SpecimenDescriptionSequence.SpecimenIdentifier): matched when the
                        // index holds that sequence's items, otherwise accepted and not matched
                        String[] path = name.split("\\.");
                        for (String element : path) tag(element);
                        String value = String.join("\\", p.getValue());
                        if (MATCHED_PATHS.contains(name)) {
                            keys.put(tag(path[path.length - 1]), value);
                        } else if (!value.isBlank() && !value.equals("*")) {
                            unmatched.add(name);
                        }
                    } else {
                        keys.put(tag(name), String.join("\\", p.getValue()));
                    }
                }
            }
        }
        if (limit == 0 || limit > MAX_LIMIT) limit = MAX_LIMIT;
        return new QueryRequest(level, returnFrom, study, series, keys, include, includeAll, fuzzy, limit, offset);
    }

    private static int nonNegative(String name, String value) throws InvalidQueryException {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidQueryException(name + ": '" + value + "' is not a non-negative integer");
        }
    }

    private static boolean bool(String name, String value) throws InvalidQueryException {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new InvalidQueryException(name + ": '" + value + "' is neither true nor false");
        };
    }

    private static String last(List<String> values) {
        return values.get(values.size() - 1);
    }

    /** An attribute named by keyword (PatientName) or by tag (00100010). */
    static AttributeTag tag(String name) throws InvalidQueryException {
        if (name.matches("[0-9A-Fa-f]{8}")) {
            return new AttributeTag(Integer.parseInt(name.substring(0, 4), 16), Integer.parseInt(name.substring(4), 16));
        }
        AttributeTag tag = org.wsiarchive.core.dicom.Keywords.tag(name);
        if (tag == null) {
            throw new InvalidQueryException("unknown attribute or parameter '" + name + "'");
        }
        return tag;
    }

    private static void addRetrieveUrl(AttributeList match, QueryLevel level, String base) {
        String study = Attribute.getSingleStringValueOrEmptyString(match, TagFromName.StudyInstanceUID);
        String url = base + "/studies/" + study;
        if (level != QueryLevel.STUDY) {
            url += "/series/" + Attribute.getSingleStringValueOrEmptyString(match, TagFromName.SeriesInstanceUID);
        }
        if (level == QueryLevel.INSTANCE) {
            url += "/instances/" + Attribute.getSingleStringValueOrEmptyString(match, TagFromName.SOPInstanceUID);
        }
        try {
            Attribute a = new UniversalResourceAttribute(Keywords.RETRIEVE_URL);
            a.addValue(url);
            match.put(a);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }
}
