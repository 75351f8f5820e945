package org.wsiarchive.converter.stow;

import javax.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.wsiarchive.converter.ProgressListener;
import org.wsiarchive.converter.send.InstanceSender;
import org.wsiarchive.converter.send.SendOutcome;
import org.wsiarchive.converter.send.SendProgress;

/**
 * DICOMweb STOW-RS client (PS3.18 10.5): sends files as one {@code multipart/related; type="application/dicom"}
 * request. The body is streamed from the files (each opened only when its part is sent), with a Content-Length
 * computed from the file sizes, so memory use does not depend on the size of the slide.
 */
public final class StowRsClient implements InstanceSender {

    /** Outcome of one store request to {@code url} with {@code files} parts. */
    public record Result(URI url, int files, int httpStatus, int referenced, int failed, boolean responseParsed,
                         String detail) implements SendOutcome {
        /** True when the server accepted the request and reported no failed instance. */
        @Override
        public boolean success() {
            return httpStatus >= 200 && httpStatus < 300 && failed == 0;
        }

        @Override
        public String summary() {
            return "STOW-RS: HTTP " + httpStatus + ", " + (responseParsed
                    ? referenced + " stored (ReferencedSOPSequence), " + failed + " failed (FailedSOPSequence)"
                    : "no DICOM JSON response to count stored/failed instances")
                    + (detail == null || detail.isBlank() ? "" : " - " + detail)
                    + " (" + files + " files sent to " + url + ")";
        }
    }

    private final URI url;
    private final HttpClient client;

    public StowRsClient(URI url) {
        this(url, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build());
    }

    public StowRsClient(URI url, HttpClient client) {
        this.url = url;
        this.client = client;
    }

    @Override
    public String description() {
        return "STOW-RS to " + url;
    }

    @Override
    public Result send(List<Path> files, ProgressListener progress) throws IOException, InterruptedException {
        String boundary = "wsi2dicom-" + UUID.randomUUID();
        SendProgress sending = new SendProgress(progress, files);
        List<byte[]> heads = new ArrayList<>();
        long length = 0;
        for (int i = 0; i < files.size(); i++) {
            byte[] head = ((i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: application/dicom\r\n"
                    + "Content-Length: " + sending.size(i) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            heads.add(head);
            length += head.length + sending.size(i);
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        length += tail.length;
        HttpRequest request = HttpRequest.newBuilder(url)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .timeout(Duration.ofHours(2))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> body(sending, heads, tail)), length))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return parse(url, files.size(), response.statusCode(), response.body());
    }

    /** The multipart body as one stream: part header, file content (opened lazily), ..., closing delimiter. */
    static InputStream body(SendProgress files, List<byte[]> heads, byte[] tail) {
        Enumeration<InputStream> parts = new Enumeration<>() {
            int next = 0;

            @Override
            public boolean hasMoreElements() {
                return next < 2 * heads.size() + 1;
            }

            @Override
            public InputStream nextElement() {
                if (!hasMoreElements()) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                if (i == 2 * heads.size()) {
                    return new ByteArrayInputStream(tail);
                }
                if (i % 2 == 0) {
                    return new ByteArrayInputStream(heads.get(i / 2));
                }
                try {
                    return new java.io.BufferedInputStream(files.open(i / 2), 1 << 20);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return new SequenceInputStream(parts);
    }

    /** Counts the items of ReferencedSOPSequence (0008,1199) and FailedSOPSequence (0008,1198) of a DICOM JSON response. */
    static Result parse(URI url, int files, int status, String body) {
        if (body == null || body.isBlank()) {
            return new Result(url, files, status, 0, 0, false, null);
        }
        try (var reader = Json.createReader(new StringReader(body))) {
            var json = reader.read();
            var obj = json.getValueType() == javax.json.JsonValue.ValueType.ARRAY
                    ? json.asJsonArray().getJsonObject(0) : json.asJsonObject();
            return new Result(url, files, status, items(obj, "00081199"), items(obj, "00081198"), true, null);
        } catch (RuntimeException e) {
            String snippet = body.length() > 200 ? body.substring(0, 200) + "..." : body;
            return new Result(url, files, status, 0, 0, false, "response: " + snippet.replaceAll("\\s+", " "));
        }
    }

    private static int items(javax.json.JsonObject obj, String tag) {
        if (!obj.containsKey(tag)) {
            return 0;
        }
        var attr = obj.getJsonObject(tag);
        return attr.containsKey("Value") ? attr.getJsonArray("Value").size() : 0;
    }
}
