package org.wsiarchive.ingest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.*;
import jakarta.ws.rs.core.*;
import org.wsiarchive.converter.SlideMetadata;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.entity.ConversionJob;
import org.wsiarchive.core.ingest.ConversionJobService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Upload of one proprietary slide file: POST /api/slides?filename=NAME[&amp;PatientID=…&amp;ContainerIdentifier=…]
 * with the raw file as the body. The body is streamed to disk (never held in memory); once it is complete a
 * QUEUED conversion job exists and the answer is 202 Accepted with its Location. Metadata are query parameters
 * named by DICOM keyword (the keys {@link SlideMetadata#KEYS} accepts): one value per key, checked before the
 * body is read, so a bad request is refused before gigabytes have been sent.
 */
@Path("/slides")
@RequestScoped
public class SlideResource {

    private static final Logger LOG = Logger.getLogger(SlideResource.class.getName());
    static final String FILENAME_PARAMETER = "filename";

    @Inject
    ConversionJobService jobs;
    @Inject
    ConversionWorker worker;
    @Context
    HttpServletRequest request;
    @Context
    UriInfo uriInfo;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(InputStream body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam("Content-Disposition") String contentDisposition) {
        if (contentType != null) {
            String type = contentType.toLowerCase(java.util.Locale.ROOT);
            if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
                return refuse(Response.Status.UNSUPPORTED_MEDIA_TYPE, "send the slide file itself as the body"
                        + " (Content-Type application/octet-stream), metadata as query parameters");
            }
        }
        MultivaluedMap<String, String> query = uriInfo.getQueryParameters();
        String fileName = UploadNames.fileName(query.getFirst(FILENAME_PARAMETER), contentDisposition);
        if (fileName == null) {
            return refuse(Response.Status.BAD_REQUEST, "the file name is missing or not usable: give it as ?"
                    + FILENAME_PARAMETER + "=NAME or Content-Disposition: attachment; filename=\"NAME\"");
        }
        Map<String, String> metadata = new TreeMap<>();
        SlideMetadata check = new SlideMetadata();
        for (Map.Entry<String, List<String>> p : query.entrySet()) {
            if (p.getKey().equals(FILENAME_PARAMETER)) continue;
            if (p.getValue().size() != 1) {
                return refuse(Response.Status.BAD_REQUEST, "metadata " + p.getKey() + " given more than once");
            }
            try {
                check.set(p.getKey(), p.getValue().getFirst());
            } catch (IllegalArgumentException e) {
                return refuse(Response.Status.BAD_REQUEST, "metadata: " + e.getMessage());
            }
            metadata.put(p.getKey(), p.getValue().getFirst().trim());
        }

        java.nio.file.Path received;
        long size;
        try {
            received = jobs.receivingDir().resolve(UUID.randomUUID() + ".part");
            size = receive(body, received);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "upload of " + fileName + " not received", e);
            return refuse(Response.Status.BAD_REQUEST, "the upload did not complete: " + e.getMessage());
        }
        if (size == 0) {
            deleteQuietly(received);
            return refuse(Response.Status.BAD_REQUEST, "the body is empty: send the slide file as the request body");
        }
        ConversionJob job;
        try {
            job = jobs.create(ConversionJob.Origin.UPLOAD, fileName, JobJson.metadataJson(metadata), requester(),
                    id -> {
                        java.nio.file.Path target = Files.createDirectories(jobs.sourceDir(id)).resolve(fileName);
                        Files.move(received, target, StandardCopyOption.ATOMIC_MOVE);
                        return Files.size(target);
                    });
        } catch (RuntimeException e) {
            deleteQuietly(received);
            LOG.log(Level.WARNING, "conversion job for " + fileName + " not created", e);
            return refuse(Response.Status.INTERNAL_SERVER_ERROR, "conversion job not created: " + e.getMessage());
        }
        worker.submit(job.getId());
        String href = ConversionJobResource.href(uriInfo, job);
        return Response.accepted(JobJson.of(job, href).toString()).location(URI.create(href)).build();
    }

    /** Streams the body to a new file and forces it to disk: the job must never see half a file. */
    private static long receive(InputStream body, java.nio.file.Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            long size = body.transferTo(out);
            out.flush();
            channel.force(true);
            return size;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
    }

    private Requester requester() {
        return Requester.http(ConversionJobService.INGEST_PROTOCOL, request.getRemoteUser(),
                request.getHeader("X-Forwarded-For"), request.getRemoteAddr());
    }

    private static Response refuse(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(JobJson.error(message)).build();
    }

    private static void deleteQuietly(java.nio.file.Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warning("could not remove " + p + ": " + e);
        }
    }
}
