package org.wsiarchive.ingest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.*;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.wsiarchive.core.entity.ConversionJob;
import org.wsiarchive.core.ingest.ConversionJobService;

import java.util.Locale;

/** Status of conversion jobs: one by id, or the newest ones (optionally of one status). */
@Path("/conversion-jobs")
@RequestScoped
public class ConversionJobResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    @Inject
    ConversionJobService jobs;
    @Context
    UriInfo uriInfo;

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("id") String id) {
        long jobId;
        try {
            jobId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Response.status(Response.Status.NOT_FOUND).entity(JobJson.error("no conversion job " + id)).build();
        }
        return jobs.find(jobId)
                .map(job -> Response.ok(JobJson.of(job, href(uriInfo, job)).toString()).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(JobJson.error("no conversion job " + id)).build());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("status") String status, @QueryParam("limit") Integer limit) {
        ConversionJob.Status wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = ConversionJob.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return Response.status(Response.Status.BAD_REQUEST)
                        .entity(JobJson.error("status must be QUEUED, RUNNING, SUCCEEDED or FAILED: " + status)).build();
            }
        }
        int max = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, limit));
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (ConversionJob job : jobs.list(wanted, max)) {
            array.add(JobJson.of(job, href(uriInfo, job)));
        }
        return Response.ok(array.build().toString()).build();
    }

    static String href(UriInfo uriInfo, ConversionJob job) {
        return uriInfo.getBaseUriBuilder().path("conversion-jobs").path(Long.toString(job.getId())).build().toString();
    }
}
