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

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * STOW-RS (PS3.18 10.5) for Part 10 instances in multipart/related; type="application/dicom". The whole body is
 * received first (each part streamed to a temporary file, never held in memory); only a body that parsed
 * completely is stored, so a truncated or malformed request stores nothing.
 */
@Path("/")
public class StowResource {

    private static final String APPLICATION_DICOM = "application/dicom";

    @Inject
    StoreService store;
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

    private record Received(FileStorage.ReceivedFile file, String contentType) {}

    private Response stow(InputStream body, String expectedStudy) {
        Requester who = RequestContext.requester(request);
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/related")) {
            return DicomWebResponses.error(Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    "STOW-RS takes multipart/related; type=\"application/dicom\" (got " + contentType + ")");
        }
        List<Received> received = new ArrayList<>();
        try (MultipartRelatedReader reader = new MultipartRelatedReader(body, contentType)) {
            String root = reader.rootType();
            if (root != null && !root.equalsIgnoreCase(APPLICATION_DICOM)) {
                return DicomWebResponses.error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "multipart/related type \""
                        + root + "\" is not supported; this archive stores application/dicom (Part 10) instances");
            }
            MultipartRelatedReader.Part part;
            while ((part = reader.next()) != null) {
                MultipartRelatedReader.Part p = part;
                received.add(new Received(store.receive(p::transferTo), p.contentType()));
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
