package org.wsiarchive.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A plain HTTP client for the tests: builds STOW-RS bodies and splits multipart responses, no DICOMweb library. */
final class DicomWebClient {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    DicomWebClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    String base() {
        return base;
    }

    record Part(String contentType, byte[] body) {}

    static byte[] multipart(String boundary, List<Part> parts, boolean close) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Type: " + p.contentType() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(p.body());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (close) out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    HttpResponse<byte[]> stow(List<Path> files) throws IOException, InterruptedException {
        List<Part> parts = new ArrayList<>();
        for (Path f : files) parts.add(new Part("application/dicom", Files.readAllBytes(f)));
        String boundary = "b-" + UUID.randomUUID();
        return post("/studies", "multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                multipart(boundary, parts, true));
    }

    HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        return get(path, accept, Map.of());
    }

    HttpResponse<byte[]> get(String path, String accept, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path)).GET();
        if (accept != null) b.header("Accept", accept);
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonArray qido(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = get(pathAndQuery, "application/dicom+json");
        if (r.statusCode() != 200) {
            throw new AssertionError("QIDO " + pathAndQuery + " -> " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return jsonArray(r.body());
    }

    static JsonArray jsonArray(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            return reader.readArray();
        }
    }

    static JsonObject jsonObject(byte[] body) {
        try (JsonReader reader = Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }

    /** First value of a DICOM JSON attribute as a string, or null. */
    static String value(JsonObject dataset, String tag) {
        JsonObject a = dataset.getJsonObject(tag);
        if (a == null || !a.containsKey("Value")) return null;
        var v = a.getJsonArray("Value").get(0);
        return switch (v.getValueType()) {
            case STRING -> a.getJsonArray("Value").getString(0);
            case OBJECT -> v.asJsonObject().getString("Alphabetic", null);
            default -> v.toString();
        };
    }

    /** The bodies of a multipart/related response, in order (boundary from the Content-Type). */
    static List<Part> parts(HttpResponse<byte[]> response) {
        String ct = response.headers().firstValue("Content-Type").orElseThrow();
        String boundary = null;
        for (String p : ct.split(";")) {
            p = p.trim();
            if (p.startsWith("boundary=")) boundary = p.substring(9).replace("\"", "");
        }
        if (boundary == null) throw new AssertionError("no boundary in " + ct);
        byte[] body = response.body();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int pos = indexOf(body, delimiter, 0);
        while (pos >= 0) {
            int after = pos + delimiter.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') break;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), after);
            String headers = new String(body, after, headersEnd - after, StandardCharsets.US_ASCII);
            String type = null;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) type = line.substring(13).trim();
            }
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), headersEnd + 4);
            if (next < 0) throw new AssertionError("unterminated multipart response");
            byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, next);
            parts.add(new Part(type, content));
            pos = next + 2;
        }
        return parts;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
