package org.wsiarchive.dicomweb;

import com.pixelmed.dicom.*;
import jakarta.inject.Inject;
import org.wsiarchive.core.dicom.Keywords;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.*;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.multipart.MultipartException;
import org.wsiarchive.core.multipart.MultipartRelatedReader;
import org.wsiarchive.core.storage.FileStorage;
import org.wsiarchive.core.store.StoreResult;
import org.wsiarchive.core.store.StoreService;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.dicom.json.DicomJsonReader;
import org.wsiarchive.core.dicom.json.Part10FromJson;
import org.wsiarchive.core.dicom.xml.NativeDicomModelReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * STOW-RS (PS3.18 10.5) for Part 10 instances in multipart/related; type="application/dicom", and for metadata
 * with bulk data in multipart/related; type="application/dicom+json" (DICOM JSON) or type="application/dicom+xml"
 * (PS3.19 Native DICOM Model, read into the JSON model and built the same way). The whole body is
 * received first (each part streamed to a temporary file, never held in memory); only a body that parsed
 * completely is stored, so a truncated or malformed request stores nothing.
 */
@Path("/")
public class StowResource {

    private static final String APPLICATION_DICOM = "application/dicom";
    private static final String DICOM_XML = "application/dicom+xml";
    /** The JSON metadata is parsed in memory (unlike bulk data, which stays in files): cap it. */
    private static final long MAX_METADATA_BYTES = 256L * 1024 * 1024;

    @Inject
    StoreService store;
    @Inject
    FileStorage storage;
    @Inject
    AuditService audit;
    @Context
    UriInfo uriInfo;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @POST
    @Path("studies")
    public Response store(InputStream body) {
        return stow(body, null);
    }

    @POST
    @Path("studies/{study}")
    public Response storeIntoStudy(@PathParam("study") String study, InputStream body) {
        return stow(body, study);
    }

    private record Received(FileStorage.ReceivedFile file, String contentType, String contentLocation, String contentIdHeader) {
        /** Content-ID without its angle brackets (RFC 2392), by which an XML BulkData uuid may name the part. */
        String contentId() {
            if (contentIdHeader == null) return null;
            String id = contentIdHeader.trim();
            return id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
        }
    }

    private Response stow(InputStream body, String expectedStudy) {
        Requester who = RequestContext.requester(request);
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/related")) {
            return DicomWebResponses.error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "STOW-RS takes multipart/related;"
                    + " type=\"application/dicom\", type=\"application/dicom+json\" or type=\"application/dicom+xml\""
                    + " (got " + contentType + ")");
        }
        List<Received> received = new ArrayList<>();
        boolean metadataAndBulkData;
        boolean xml;
        try (MultipartRelatedReader reader = new MultipartRelatedReader(body, contentType)) {
            String root = reader.rootType();
            xml = root != null && root.equalsIgnoreCase(DICOM_XML);
            metadataAndBulkData = xml || root != null && root.equalsIgnoreCase(DicomWebResponses.DICOM_JSON);
            if (root != null && !root.equalsIgnoreCase(APPLICATION_DICOM) && !metadataAndBulkData) {
                return DicomWebResponses.error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "multipart/related type \""
                        + root + "\" is not supported; this archive stores application/dicom (Part 10) instances, or"
                        + " application/dicom+json or application/dicom+xml metadata with its bulk data");
            }
            MultipartRelatedReader.Part part;
            while ((part = reader.next()) != null) {
                MultipartRelatedReader.Part p = part;
                received.add(new Received(store.receive(p::transferTo), p.contentType(),
                        p.headers().get("Content-Location"), p.headers().get("Content-ID")));
            }
        } catch (MultipartException e) {
            discardAll(received, who, "malformed multipart body: " + e.getMessage());
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, "malformed multipart body: " + e.getMessage());
        } catch (IOException e) {
            discardAll(received, who, "request body not received: " + e.getMessage());
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, "request body could not be read: " + e.getMessage());
        }
        if (received.isEmpty()) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, "the multipart body has no parts");
        }
        if (metadataAndBulkData) {
            return stowMetadataAndBulkData(received, who, expectedStudy, xml);
        }

        List<StoreResult> results = new ArrayList<>();
        for (Received r : received) {
            String partType = r.contentType() == null ? APPLICATION_DICOM : r.contentType().split(";")[0].trim();
            if (!partType.equalsIgnoreCase(APPLICATION_DICOM)) {
                store.discard(r.file(), who, "part of type " + partType + " refused");
                results.add(new StoreResult(StoreResult.Status.FAILED, null, null, null, null, StoreResult.CANNOT_UNDERSTAND,
                        "a part of type " + partType + " is not a DICOM instance (application/dicom)"));
                continue;
            }
            results.add(store.store(r.file(), who, expectedStudy));
        }
        return response(results, expectedStudy);
    }

    /**
     * PS3.18 10.5.1.2.2: with DICOM JSON the first part is an array of data sets; with the Native DICOM Model
     * (PS3.19) every application/dicom+xml part is one data set, the first part being one. The other parts are the
     * bulk data the data sets reference by BulkDataURI (XML: BulkData uri, or uuid) = Content-Location, or
     * Content-ID. Each data set becomes a Part 10 object ({@link Part10FromJson}, Pixel Data copied from the
     * received part files) that is stored like any other instance. Metadata that does not parse makes the whole
     * body malformed (400, nothing stored); a data set that cannot be built fails on its own.
     */
    private Response stowMetadataAndBulkData(List<Received> received, Requester who, String expectedStudy, boolean xml) {
        String metadataType = xml ? DICOM_XML : DicomWebResponses.DICOM_JSON;
        List<Received> metadata = new ArrayList<>();
        Map<String, List<Part10FromJson.BulkPart>> bulk = new HashMap<>();
        for (int i = 0; i < received.size(); i++) {
            Received r = received.get(i);
            String type = r.contentType() == null ? (i == 0 ? metadataType : null) : r.contentType().split(";")[0].trim();
            if (i == 0 || xml && DICOM_XML.equalsIgnoreCase(type)) {
                metadata.add(r);
                continue;
            }
            Part10FromJson.BulkPart part = new Part10FromJson.BulkPart(r.file().path(), r.file().size(), r.contentType());
            if (r.contentLocation() != null) bulk.computeIfAbsent(r.contentLocation().trim(), k -> new ArrayList<>()).add(part);
            String contentId = r.contentId();
            if (contentId != null && !contentId.equals(r.contentLocation() == null ? null : r.contentLocation().trim())) {
                bulk.computeIfAbsent(contentId, k -> new ArrayList<>()).add(part);
            }
        }
        try {
            Received first = received.get(0);
            String firstType = first.contentType() == null ? metadataType : first.contentType().split(";")[0].trim();
            boolean firstIsMetadata = xml ? firstType.equalsIgnoreCase(DICOM_XML)
                    : firstType.equalsIgnoreCase(DicomWebResponses.DICOM_JSON) || firstType.equalsIgnoreCase("application/json");
            if (!firstIsMetadata) {
                return DicomWebResponses.error(Response.Status.BAD_REQUEST, "the first part of a multipart/related;"
                        + " type=\"" + metadataType + "\" body must be the metadata, not " + firstType);
            }
            for (Received m : metadata) {
                if (m.file().size() > MAX_METADATA_BYTES) {
                    audit(who, "metadata part of " + m.file().size() + " bytes refused");
                    return DicomWebResponses.error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "the metadata part is larger than "
                            + MAX_METADATA_BYTES + " bytes; bulk data belongs in parts of its own");
                }
            }
            List<JsonValue> datasets = new ArrayList<>();
            if (xml) {
                for (int i = 0; i < metadata.size(); i++) {
                    try (InputStream in = Files.newInputStream(metadata.get(i).file().path())) {
                        datasets.add(NativeDicomModelReader.read(in));
                    } catch (NativeDicomModelReader.MalformedNativeDicomModelException | IOException e) {
                        audit(who, "metadata part " + (i + 1) + " is not a Native DICOM Model document: " + e.getMessage());
                        return DicomWebResponses.error(Response.Status.BAD_REQUEST, "metadata part " + (i + 1) + " is not a"
                                + " PS3.19 Native DICOM Model document: " + e.getMessage());
                    }
                }
            } else {
                try (JsonReader reader = Json.createReader(Files.newInputStream(first.file().path()))) {
                    datasets.addAll(reader.readArray());
                } catch (JsonException | IllegalStateException | IOException e) {
                    audit(who, "metadata part is not a JSON array: " + e.getMessage());
                    return DicomWebResponses.error(Response.Status.BAD_REQUEST, "the metadata part is not a JSON array of"
                            + " DICOM JSON data sets (PS3.18 F.2): " + e.getMessage());
                }
            }
            List<StoreResult> results = new ArrayList<>();
            for (int i = 0; i < datasets.size(); i++) {
                results.add(storeDataset(datasets.get(i), i + 1, bulk, who, expectedStudy));
            }
            if (results.isEmpty()) {
                return DicomWebResponses.error(Response.Status.BAD_REQUEST, "the metadata part holds no data set");
            }
            return response(results, expectedStudy);
        } finally {
            for (Received r : received) storage.discard(r.file()); // the parts themselves are never stored
        }
    }

    private StoreResult storeDataset(JsonValue json, int number, Map<String, List<Part10FromJson.BulkPart>> bulk,
                                     Requester who, String expectedStudy) {
        String cuid = null, iuid = null;
        if (json instanceof JsonObject o) {
            cuid = firstString(o, "00080016");
            iuid = firstString(o, "00080018");
        }
        Part10FromJson object;
        try {
            if (!(json instanceof JsonObject o)) {
                throw new DicomJsonReader.DicomJsonException("data set " + number + " is not a JSON object");
            }
            object = Part10FromJson.prepare(o, uri -> bulk.get(uri.trim()));
        } catch (DicomJsonReader.DicomJsonException e) {
            audit(who, "data set " + number + ": " + e.getMessage());
            return new StoreResult(StoreResult.Status.FAILED, cuid, iuid, null, null, StoreResult.CANNOT_UNDERSTAND,
                    "data set " + number + " cannot be made a DICOM instance: " + e.getMessage());
        }
        FileStorage.ReceivedFile file;
        try {
            file = store.receive(object::writeTo);
        } catch (IOException e) {
            audit(who, "data set " + number + " not written: " + e.getMessage());
            return new StoreResult(StoreResult.Status.FAILED, cuid, iuid, null, null, StoreResult.OUT_OF_RESOURCES,
                    "data set " + number + " could not be written: " + e.getMessage());
        }
        return store.store(file, who, expectedStudy);
    }

    private static String firstString(JsonObject o, String tag) {
        JsonObject a = o.get(tag) instanceof JsonObject x ? x : null;
        if (a == null || !(a.get("Value") instanceof JsonArray v) || v.isEmpty() || !(v.get(0) instanceof JsonString s)) {
            return null;
        }
        return s.getString();
    }

    private void audit(Requester who, String reason) {
        audit.record(AuditAction.STORE_REJECTED, AuditService.Outcome.FAILURE, who, null, null, reason);
    }

    private void discardAll(List<Received> received, Requester who, String reason) {
        for (Received r : received) {
            store.discard(r.file(), who, reason);
        }
    }

    private Response response(List<StoreResult> results, String expectedStudy) {
        String base = RequestContext.baseUrl(uriInfo, headers);
        AttributeList response = new AttributeList();
        SequenceAttribute referenced = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
        SequenceAttribute failed = new SequenceAttribute(Keywords.FAILED_SOP_SEQUENCE);
        List<String> warnings = new ArrayList<>();
        String study = expectedStudy;
        int ok = 0, studyMismatch = 0;
        try {
            for (StoreResult r : results) {
                AttributeList item = new AttributeList();
                put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID), r.sopClassUid());
                put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), r.sopInstanceUid());
                if (r.success()) {
                    ok++;
                    if (study == null) study = r.studyInstanceUid();
                    put(item, new UniversalResourceAttribute(Keywords.RETRIEVE_URL), base + "/studies/"
                            + r.studyInstanceUid() + "/series/" + r.seriesInstanceUid() + "/instances/" + r.sopInstanceUid());
                    referenced.addItem(item);
                } else {
                    Attribute reason = new UnsignedShortAttribute(Keywords.FAILURE_REASON);
                    reason.addValue(r.failureReason());
                    item.put(reason);
                    failed.addItem(item);
                    if (r.failureReason() == StoreResult.DATA_SET_DOES_NOT_MATCH) studyMismatch++;
                    warnings.add((r.sopInstanceUid() == null ? "" : r.sopInstanceUid() + ": ") + r.message());
                }
            }
            if (study != null) {
                put(response, new UniversalResourceAttribute(Keywords.RETRIEVE_URL), base + "/studies/" + study);
            }
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        if (referenced.getNumberOfItems() > 0) response.put(referenced);
        if (failed.getNumberOfItems() > 0) response.put(failed);

        // PS3.18 10.5.3: 200 all stored, 202 some stored, 409 none stored because of the request's content
        // (study mismatch, conflicting instance), 400 none stored because the objects are invalid
        int status;
        if (ok == results.size()) status = 200;
        else if (ok > 0) status = 202;
        else if (studyMismatch > 0 || results.stream().anyMatch(r -> r.failureReason() == StoreResult.DUPLICATE_SOP_INSTANCE)) status = 409;
        else status = 400;
        Response.ResponseBuilder rb = Response.status(status).type(DicomWebResponses.DICOM_JSON)
                .entity(DicomWebResponses.jsonObject(response));
        for (String w : warnings) {
            rb.header("Warning", DicomWebResponses.warning(w));
        }
        return rb.build();
    }

    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        if (value != null) a.addValue(value);
        list.put(a);
    }
}
