package org.wsiarchive.dicomweb;

import com.pixelmed.dicom.*;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.*;
import org.wsiarchive.core.dicom.InstanceHeader;
import org.wsiarchive.core.dicom.InvalidInstanceException;
import org.wsiarchive.core.dicom.MetadataJson;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.dicomweb.FrameNegotiation.FrameForm;
import org.wsiarchive.core.multipart.MultipartRelatedWriter;
import org.wsiarchive.core.render.DecodingService;
import org.wsiarchive.core.render.NotDecodableException;
import org.wsiarchive.core.render.RenderParameters;
import org.wsiarchive.core.render.RenderService;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.*;

/**
 * WADO-RS (PS3.18 10.4): instances as stored, metadata precomputed at ingest, frames by positional reads from
 * the frame index, bulk data. A thin adapter over {@link RetrieveService}.
 */
@Path("/")
public class WadoResource {

    private static final String APPLICATION_DICOM = "application/dicom";
    /** Stored objects never change (a replacement changes the SHA-256 and so the ETag). */
    static final String IMMUTABLE = "private, max-age=31536000, immutable";

    @Inject
    RetrieveService retrieve;
    @Inject
    DecodingService decoding;
    @Inject
    RenderService rendering;
    @Context
    UriInfo uriInfo;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    // ---- instances -------------------------------------------------------------------------------------------

    @GET
    @Path("studies/{study}")
    public Response study(@PathParam("study") String study) {
        return instances(study, null, null);
    }

    @GET
    @Path("studies/{study}/series/{series}")
    public Response series(@PathParam("study") String study, @PathParam("series") String series) {
        return instances(study, series, null);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}")
    public Response instance(@PathParam("study") String study, @PathParam("series") String series,
                             @PathParam("instance") String instance) {
        return instances(study, series, instance);
    }

    /** How one instance is sent: its stored file unchanged, or transcoded to Explicit VR Little Endian. */
    private record InstanceForm(StoredInstance instance, boolean transcode) {
        String transferSyntax() {
            return transcode ? TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN : instance.transferSyntaxUid();
        }
    }

    private Response instances(String study, String series, String sop) {
        List<StoredInstance> found = retrieve.find(study, series, sop);
        if (found.isEmpty()) {
            return notFound(study, series, sop);
        }
        List<AcceptedType> accepted = AcceptedType.parse(headers.getHeaderString(HttpHeaders.ACCEPT));
        if (accepted.isEmpty()) {
            accepted = List.of(new AcceptedType("multipart/related", APPLICATION_DICOM, null, 1));
        }
        // */* (curl's default) means the resource's default representation: multipart/related; type=application/dicom
        accepted = accepted.stream().map(a -> a.type().equals("*/*")
                ? new AcceptedType("multipart/related", APPLICATION_DICOM, a.transferSyntax(), a.quality()) : a).toList();
        // every instance must be deliverable in an accepted form: as stored, or transcoded to Explicit VR Little
        // Endian (the default when no transfer syntax is named, PS3.18 8.7.3.5.2)
        AcceptedType chosen = null;
        List<InstanceForm> forms = null;
        Set<String> reasons = new TreeSet<>();
        for (AcceptedType a : accepted) {
            if (!(a.accepts(APPLICATION_DICOM))) continue;
            if (!a.multipart() && !(a.type().equals(APPLICATION_DICOM) && found.size() == 1)) continue;
            List<InstanceForm> candidate = new ArrayList<>(found.size());
            for (StoredInstance i : found) {
                InstanceForm form = form(a, i, reasons);
                if (form == null) {
                    candidate = null;
                    break;
                }
                candidate.add(form);
            }
            if (candidate != null) {
                chosen = a;
                forms = candidate;
                break;
            }
        }
        if (chosen == null) {
            Set<String> stored = new TreeSet<>();
            found.forEach(i -> stored.add(i.transferSyntaxUid()));
            return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, "the requested instances are stored in "
                    + stored + "; request multipart/related; type=\"application/dicom\"; transfer-syntax=* (or one of"
                    + " these transfer syntaxes, or " + TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN + ")"
                    + (reasons.isEmpty() ? "" : "; transcoding is not possible: " + String.join("; ", reasons)));
        }
        retrieve.audit(RequestContext.requester(request), study,
                found.stream().map(StoredInstance::sopInstanceUid).toList(), "instances", true);
        if (!chosen.multipart()) {
            InstanceForm only = forms.get(0);
            return Response.ok((StreamingOutput) out -> writeInstance(only, out),
                            APPLICATION_DICOM + "; transfer-syntax=" + only.transferSyntax())
                    .tag(instanceTag(only)).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
        }
        String boundary = MultipartRelatedWriter.newBoundary();
        List<InstanceForm> parts = forms;
        StreamingOutput body = out -> {
            try (MultipartRelatedWriter writer = new MultipartRelatedWriter(out, boundary)) {
                for (InstanceForm f : parts) {
                    writer.part(APPLICATION_DICOM + "; transfer-syntax=" + f.transferSyntax(), Map.of(),
                            o -> writeInstance(f, o));
                }
            }
        };
        Response.ResponseBuilder rb = Response.ok(body, "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
        if (parts.size() == 1) {
            rb.tag(instanceTag(parts.get(0))).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE);
        }
        return rb.build();
    }

    /** The form in which range {@code a} admits instance {@code i}, or null (with the reason added) when none. */
    private InstanceForm form(AcceptedType a, StoredInstance i, Set<String> reasons) {
        String requested = a.transferSyntax();
        if ("*".equals(requested) || requested == null && a.bodyType().equals("*/*")
                || i.transferSyntaxUid().equals(requested != null ? requested : TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)) {
            return new InstanceForm(i, false);
        }
        if (!TransferSyntaxes.meansUncompressed(requested)) return null;
        try {
            String why = decoding.whyNotTranscodable(i);
            if (why == null) return new InstanceForm(i, true);
            reasons.add(i.sopInstanceUid() + ": " + why);
        } catch (IOException e) {
            reasons.add(i.sopInstanceUid() + ": stored instance unreadable: " + e.getMessage());
        }
        return null;
    }

    private void writeInstance(InstanceForm f, OutputStream out) throws IOException {
        if (f.transcode()) {
            decoding.transcode(f.instance(), out);
        } else {
            Files.copy(retrieve.file(f.instance()), out);
        }
    }

    private static EntityTag instanceTag(InstanceForm f) {
        return new EntityTag(f.instance().sha256() + (f.transcode() ? "-" + TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN : ""));
    }

    // ---- metadata --------------------------------------------------------------------------------------------

    @GET
    @Path("studies/{study}/metadata")
    public Response studyMetadata(@PathParam("study") String study) {
        return metadata(study, null, null);
    }

    @GET
    @Path("studies/{study}/series/{series}/metadata")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series) {
        return metadata(study, series, null);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/metadata")
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
                                     @PathParam("instance") String instance) {
        return metadata(study, series, instance);
    }

    private Response metadata(String study, String series, String sop) {
        MetadataRepresentation representation = MetadataRepresentation.choose(headers.getHeaderString(HttpHeaders.ACCEPT));
        if (representation == null) {
            return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, "metadata is available as application/dicom+json"
                    + " or multipart/related; type=\"application/dicom+xml\"");
        }
        List<StoredInstance> found = retrieve.find(study, series, sop);
        if (found.isEmpty()) {
            return notFound(study, series, sop);
        }
        String base = RequestContext.baseUrl(uriInfo, headers);
        List<byte[]> stored = new ArrayList<>(found.size());
        for (StoredInstance i : found) {
            stored.add(retrieve.metadata(i));
        }
        retrieve.audit(RequestContext.requester(request), study,
                found.stream().map(StoredInstance::sopInstanceUid).toList(), "metadata", true);
        Response.ResponseBuilder rb = representation.response(stored, base);
        if (found.size() == 1) {
            rb.tag(new EntityTag(found.get(0).sha256() + "-metadata" + representation.etagSuffix()));
        }
        // the representation depends on Accept, and (through the server's gzip filter) on Accept-Encoding
        return rb.header(HttpHeaders.VARY, "Accept, Accept-Encoding").build();
    }

    // ---- frames ----------------------------------------------------------------------------------------------

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    public Response frames(@PathParam("study") String study, @PathParam("series") String series,
                           @PathParam("instance") String sop, @PathParam("frames") String frameList) {
        int[] frames;
        try {
            frames = Arrays.stream(frameList.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, "frame list '" + frameList
                    + "' is not a comma-separated list of frame numbers");
        }
        List<StoredInstance> found = retrieve.find(study, series, sop);
        if (found.isEmpty()) {
            return notFound(study, series, sop);
        }
        StoredInstance instance = found.get(0);
        FrameIndex index = retrieve.frameIndex(instance);
        try {
            for (int f : frames) {
                retrieve.checkFrame(instance, index, f);
            }
        } catch (FrameNotAvailableException e) {
            return DicomWebResponses.error(Response.Status.NOT_FOUND, e.getMessage());
        }
        String ts = instance.transferSyntaxUid();
        String whyNotDecodable;
        try {
            // native frames need decoding too for a JPEG rendition (and not every bit depth can be decoded)
            whyNotDecodable = decoding.whyNotDecodable(instance);
        } catch (IOException e) {
            return DicomWebResponses.error(Response.Status.INTERNAL_SERVER_ERROR, "stored instance unreadable: " + e.getMessage());
        }
        FrameNegotiation.Choice choice = FrameNegotiation.negotiate(ts, headers.getHeaderString(HttpHeaders.ACCEPT),
                frames.length, whyNotDecodable);
        if (choice == null) {
            return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, "frames of this instance are stored as "
                    + TransferSyntaxes.frameMediaType(ts) + " (transfer syntax " + ts + "); accept that type, application/octet-stream with"
                    + " transfer-syntax=*" + (whyNotDecodable == null
                    ? ", application/octet-stream (decoded on the server) or image/jpeg"
                    : "; decoding on the server is not possible: " + whyNotDecodable));
        }
        String partType = choice.partType();
        FrameForm form = choice.form();
        boolean multipart = choice.multipart();
        EntityTag etag = new EntityTag(frameTag(instance, frameList, form));
        String ifNoneMatch = headers.getHeaderString(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.contains("\"" + etag.getValue() + "\"")) {
            return Response.notModified(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
        }
        retrieve.audit(RequestContext.requester(request), study, List.of(sop), "frames " + frameList
                + (form == FrameForm.STORED ? "" : " " + form.name().toLowerCase(Locale.ROOT)), true);
        FrameForm sending = form;
        if (!multipart) {
            int frame = frames[0];
            if (sending != FrameForm.STORED) {
                // decode before answering, so that a failure is an error status rather than a cut body
                byte[] bytes;
                try {
                    bytes = converted(instance, index, frame, sending);
                } catch (IOException e) {
                    return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, e.getMessage());
                }
                return Response.ok(bytes, partType).tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
            }
            if (index.frameLength(frame - 1) >= 0 && index.frameLength(frame - 1) <= IN_MEMORY_FRAME) {
                // one array with a Content-Length, no chunked streaming
                byte[] bytes = storedFrame(instance, index, frame);
                return Response.ok(bytes, partType).header(HttpHeaders.CONTENT_LENGTH, bytes.length)
                        .tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
            }
            return Response.ok((StreamingOutput) out -> copyFrame(instance, index, frame, sending, out), partType)
                    .tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
        }
        String contentType = partType;
        String rootType = contentType.substring(0, contentType.indexOf(';'));
        if (frames.length == 1 && sending == FrameForm.STORED && index.frameLength(frames[0] - 1) >= 0
                && index.frameLength(frames[0] - 1) <= IN_MEMORY_FRAME) {
            // one tile per request is what viewers send: build the small body at once, with a Content-Length
            byte[] frame = storedFrame(instance, index, frames[0]);
            MultipartRelatedWriter.SinglePart envelope = MultipartRelatedWriter.singlePart(rootType, contentType);
            byte[] body = new byte[(int) envelope.length(frame.length)];
            System.arraycopy(envelope.head(), 0, body, 0, envelope.head().length);
            System.arraycopy(frame, 0, body, envelope.head().length, frame.length);
            System.arraycopy(envelope.tail(), 0, body, envelope.head().length + frame.length, envelope.tail().length);
            return Response.ok(body, envelope.contentType()).header(HttpHeaders.CONTENT_LENGTH, body.length)
                    .tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
        }
        String boundary = MultipartRelatedWriter.newBoundary();
        String multipartType = "multipart/related; type=\"" + rootType + "\"; boundary=" + boundary;
        StreamingOutput body = out -> {
            try (MultipartRelatedWriter writer = new MultipartRelatedWriter(out, boundary)) {
                for (int f : frames) {
                    writer.part(contentType, Map.of(), o -> copyFrame(instance, index, f, sending, o));
                }
            }
        };
        return Response.ok(body, multipartType).tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
    }

    /** Frames up to this size are answered from one array; larger ones (big native frames) are streamed. */
    static final long IN_MEMORY_FRAME = 16L << 20;

    /** The (strong) entity tag of frames of an instance in one form: the stored file's digest names its content. */
    static String frameTag(StoredInstance instance, String frameList, FrameForm form) {
        return instance.sha256() + "-" + frameList + (form == FrameForm.STORED ? "" : "-" + form.name().toLowerCase(Locale.ROOT));
    }

    private byte[] storedFrame(StoredInstance instance, FrameIndex index, int frame) {
        try {
            return retrieve.frame(instance, index, frame);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (FrameNotAvailableException e) {
            throw new IllegalStateException(e); // checked before
        }
    }

    private void copyFrame(StoredInstance instance, FrameIndex index, int frame, FrameForm form, OutputStream out) throws IOException {
        if (form != FrameForm.STORED) {
            out.write(converted(instance, index, frame, form));
            return;
        }
        try {
            retrieve.copyFrame(instance, index, frame, out);
        } catch (FrameNotAvailableException e) {
            throw new IOException(e.getMessage(), e); // checked before the response started
        }
    }

    private byte[] converted(StoredInstance instance, FrameIndex index, int frame, FrameForm form) throws IOException {
        try {
            return form == FrameForm.JPEG
                    ? rendering.baselineJpeg(instance, index, frame, RenderParameters.DEFAULT_QUALITY)
                    : decoding.decodeFrame(instance, index, frame).data();
        } catch (FrameNotAvailableException | NotDecodableException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    // ---- bulk data -------------------------------------------------------------------------------------------

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/bulkdata/{path: .+}")
    public Response bulkData(@PathParam("study") String study, @PathParam("series") String series,
                             @PathParam("instance") String sop, @PathParam("path") String path) {
        List<StoredInstance> found = retrieve.find(study, series, sop);
        if (found.isEmpty()) {
            return notFound(study, series, sop);
        }
        StoredInstance instance = found.get(0);
        if (path.equalsIgnoreCase("7FE00010")) {
            FrameIndex index = retrieve.frameIndex(instance);
            if (index == null) {
                return DicomWebResponses.error(Response.Status.NOT_FOUND, "instance " + sop + " has no pixel data");
            }
            StringBuilder all = new StringBuilder();
            for (int f = 1; f <= index.frameCount(); f++) all.append(f == 1 ? "" : ",").append(f);
            return frames(study, series, sop, all.toString());
        }
        byte[] value;
        try {
            value = bulkValue(InstanceHeader.read(retrieve.file(instance)).attributes(), path);
        } catch (InvalidInstanceException e) {
            return DicomWebResponses.error(Response.Status.INTERNAL_SERVER_ERROR, "stored instance unreadable: " + e.getMessage());
        }
        if (value == null) {
            return DicomWebResponses.error(Response.Status.NOT_FOUND, "no bulk data at " + path + " in instance " + sop);
        }
        retrieve.audit(RequestContext.requester(request), study, List.of(sop), "bulkdata " + path, true);
        List<AcceptedType> accepted = AcceptedType.parse(headers.getHeaderString(HttpHeaders.ACCEPT));
        boolean single = !accepted.isEmpty() && !accepted.get(0).multipart()
                && accepted.get(0).accepts(TransferSyntaxes.OCTET_STREAM);
        EntityTag etag = new EntityTag(instance.sha256() + "-" + path.replace('/', '.'));
        if (single) {
            return Response.ok(value, TransferSyntaxes.OCTET_STREAM).tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
        }
        String boundary = MultipartRelatedWriter.newBoundary();
        StreamingOutput body = out -> {
            try (MultipartRelatedWriter writer = new MultipartRelatedWriter(out, boundary)) {
                writer.part(TransferSyntaxes.OCTET_STREAM, Map.of(), o -> o.write(value));
            }
        };
        return Response.ok(body, "multipart/related; type=\"application/octet-stream\"; boundary=" + boundary)
                .tag(etag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
    }

    /** Follows a BulkDataURI path (tag/item/tag/..., items 1-based) to a binary value, little endian. */
    static byte[] bulkValue(AttributeList list, String path) {
        String[] steps = path.split("/");
        AttributeList current = list;
        for (int s = 0; s < steps.length; s++) {
            if (!steps[s].matches("[0-9A-Fa-f]{8}")) return null;
            AttributeTag tag = new AttributeTag(Integer.parseInt(steps[s].substring(0, 4), 16),
                    Integer.parseInt(steps[s].substring(4), 16));
            Attribute a = current.get(tag);
            if (a == null) return null;
            if (s == steps.length - 1) {
                return binary(a);
            }
            if (!(a instanceof SequenceAttribute seq) || s + 1 >= steps.length - 1) return null;
            int item;
            try {
                item = Integer.parseInt(steps[++s]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (item < 1 || item > seq.getNumberOfItems()) return null;
            current = seq.getItem(item - 1).getAttributeList();
        }
        return null;
    }

    private static byte[] binary(Attribute a) {
        try {
            if (a instanceof OtherWordAttribute) {
                short[] v = a.getShortValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                b.asShortBuffer().put(v);
                return b.array();
            }
            if (a instanceof OtherFloatAttribute) {
                float[] v = a.getFloatValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                return b.array();
            }
            if (a instanceof OtherDoubleAttribute) {
                double[] v = a.getDoubleValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(v);
                return b.array();
            }
            return a.getByteValues();
        } catch (DicomException e) {
            return null;
        }
    }

    private static Response notFound(String study, String series, String sop) {
        String what = sop != null ? "instance " + sop : series != null ? "series " + series : "study " + study;
        return DicomWebResponses.error(Response.Status.NOT_FOUND, what + " is not stored in this archive");
    }
}
