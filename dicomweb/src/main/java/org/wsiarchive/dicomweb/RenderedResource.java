package org.wsiarchive.dicomweb;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.*;
import org.wsiarchive.core.render.NotDecodableException;
import org.wsiarchive.core.render.RenderParameters;
import org.wsiarchive.core.render.RenderService;
import org.wsiarchive.core.render.Rendition;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * WADO-RS rendered and thumbnail resources (PS3.18 10.4.1.1.3, 10.4.1.1.4): single-part image/jpeg or image/png
 * bodies made by the core's {@link RenderService}. Query parameters this archive does not know are ignored.
 */
@Path("/")
public class RenderedResource {

    private static final String CACHE = "private, max-age=86400";

    @Inject
    RenderService rendering;
    @Inject
    RetrieveService retrieve;
    @Context
    UriInfo uriInfo;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    // ---- rendered ------------------------------------------------------------------------------------------

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/rendered")
    public Response renderedInstance(@PathParam("study") String study, @PathParam("series") String series,
                                     @PathParam("instance") String sop) {
        return render(study, series, sop, 0, false);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered")
    public Response renderedFrame(@PathParam("study") String study, @PathParam("series") String series,
                                  @PathParam("instance") String sop, @PathParam("frames") String frames) {
        int frame = frameNumber(frames);
        if (frame < 1) return badFrameList(frames);
        return render(study, series, sop, frame, false);
    }

    /**
     * A rendered study or series would be one image per instance, for a slide a pyramid of gigapixel levels: not
     * offered; the thumbnail shows a study or series in one image.
     */
    @GET
    @Path("studies/{study}/rendered")
    public Response renderedStudy(@PathParam("study") String study) {
        return notOffered("study");
    }

    @GET
    @Path("studies/{study}/series/{series}/rendered")
    public Response renderedSeries(@PathParam("study") String study, @PathParam("series") String series) {
        return notOffered("series");
    }

    // ---- thumbnail -----------------------------------------------------------------------------------------

    @GET
    @Path("studies/{study}/thumbnail")
    public Response studyThumbnail(@PathParam("study") String study) {
        return groupThumbnail(study, null);
    }

    @GET
    @Path("studies/{study}/series/{series}/thumbnail")
    public Response seriesThumbnail(@PathParam("study") String study, @PathParam("series") String series) {
        return groupThumbnail(study, series);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/thumbnail")
    public Response instanceThumbnail(@PathParam("study") String study, @PathParam("series") String series,
                                      @PathParam("instance") String sop) {
        return render(study, series, sop, 0, true);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}/thumbnail")
    public Response frameThumbnail(@PathParam("study") String study, @PathParam("series") String series,
                                   @PathParam("instance") String sop, @PathParam("frames") String frames) {
        int frame = frameNumber(frames);
        if (frame < 1) return badFrameList(frames);
        return render(study, series, sop, frame, true);
    }

    // ---- the work --------------------------------------------------------------------------------------------

    private Response groupThumbnail(String study, String series) {
        String mediaType = mediaType();
        if (mediaType == null) return notAcceptable();
        RenderParameters p;
        try {
            p = RenderParameters.parse(mediaType, query()).withDefaultViewport(RenderService.THUMBNAIL_SIDE);
        } catch (IllegalArgumentException e) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        int side = Math.max(p.viewportWidth(), p.viewportHeight());
        Optional<StoredInstance> source = rendering.thumbnailSource(study, series, side);
        if (source.isEmpty()) {
            if (retrieve.find(study, series, null).isEmpty()) {
                return DicomWebResponses.error(Response.Status.NOT_FOUND, (series != null ? "series " + series : "study " + study)
                        + " is not stored in this archive");
            }
            return DicomWebResponses.error(Response.Status.NOT_FOUND, "no image in " + (series != null ? "series " + series : "study " + study));
        }
        return respond(source.get(), 0, p, "thumbnail");
    }

    private Response render(String study, String series, String sop, int frame, boolean thumbnail) {
        String mediaType = mediaType();
        if (mediaType == null) return notAcceptable();
        RenderParameters p;
        try {
            p = RenderParameters.parse(mediaType, query());
        } catch (IllegalArgumentException e) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        List<StoredInstance> found = retrieve.find(study, series, sop);
        if (found.isEmpty()) {
            return DicomWebResponses.error(Response.Status.NOT_FOUND, "instance " + sop + " is not stored in this archive");
        }
        StoredInstance instance = found.get(0);
        if (thumbnail) {
            p = p.withDefaultViewport(RenderService.THUMBNAIL_SIDE);
            try {
                if (frame == 0 && !rendering.renderableWhole(instance)) {
                    // a level too large to render whole: the series' thumbnail shows the same slide
                    Optional<StoredInstance> smaller = rendering.thumbnailSource(study, series,
                            Math.max(p.viewportWidth(), p.viewportHeight()));
                    if (smaller.isPresent()) instance = smaller.get();
                }
            } catch (IOException e) {
                return DicomWebResponses.error(Response.Status.INTERNAL_SERVER_ERROR, "stored instance unreadable: " + e.getMessage());
            }
        }
        return respond(instance, frame, p, thumbnail ? "thumbnail" : "rendered");
    }

    private Response respond(StoredInstance instance, int frame, RenderParameters p, String what) {
        Rendition r;
        try {
            r = frame > 0 ? rendering.renderFrame(instance, frame, p) : rendering.renderInstance(instance, p);
        } catch (FrameNotAvailableException e) {
            return DicomWebResponses.error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (NotDecodableException e) {
            return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, e.getMessage());
        } catch (IllegalArgumentException e) {
            return DicomWebResponses.error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (IOException e) {
            return DicomWebResponses.error(Response.Status.INTERNAL_SERVER_ERROR, "rendering failed: " + e.getMessage());
        }
        retrieve.audit(RequestContext.requester(request), instance.studyInstanceUid(), List.of(instance.sopInstanceUid()),
                what + (frame > 0 ? " frame " + frame : ""), true);
        // the same query on the same immutable instance renders the same bytes
        EntityTag etag = new EntityTag(instance.sha256() + "-" + what + "-" + frame + "-"
                + Integer.toHexString(uriInfo.getRequestUri().getRawQuery() == null ? 0 : uriInfo.getRequestUri().getRawQuery().hashCode())
                + "-" + r.mediaType().substring(6));
        return Response.ok(r.body(), r.mediaType()).tag(etag).header(HttpHeaders.CACHE_CONTROL, CACHE)
                .header("Content-Location", uriInfo.getRequestUri().toString()).build();
    }

    /**
     * The output type from the Accept header (or the {@code accept} query parameter, PS3.18 8.3.3.1): JPEG unless the
     * client prefers PNG; null when it accepts neither.
     */
    private String mediaType() {
        String header = uriInfo.getQueryParameters().getFirst("accept");
        if (header == null) header = headers.getHeaderString(HttpHeaders.ACCEPT);
        List<AcceptedType> accepted = AcceptedType.parse(header);
        if (accepted.isEmpty()) return RenderParameters.JPEG;
        for (AcceptedType a : accepted) {
            if (a.multipart()) continue;
            String t = a.type();
            if (t.equals(RenderParameters.JPEG) || t.equals("image/jpg")) return RenderParameters.JPEG;
            if (t.equals(RenderParameters.PNG)) return RenderParameters.PNG;
            if (t.equals("image/*") || t.equals("*/*")) return RenderParameters.JPEG;
        }
        return null;
    }

    private Map<String, String> query() {
        Map<String, String> q = new HashMap<>();
        uriInfo.getQueryParameters().forEach((k, v) -> {
            if (!v.isEmpty()) q.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0));
        });
        return q;
    }

    private static int frameNumber(String frames) {
        try {
            return Integer.parseInt(frames.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Response badFrameList(String frames) {
        return DicomWebResponses.error(Response.Status.BAD_REQUEST, "a rendered frame or frame thumbnail names one frame"
                + " number; got '" + frames + "'");
    }

    private static Response notAcceptable() {
        return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, "rendered images are available as image/jpeg or image/png");
    }

    private static Response notOffered(String level) {
        return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, "a rendered " + level + " is not offered: render"
                + " an instance or a frame, or ask for the " + level + "'s thumbnail");
    }
}
