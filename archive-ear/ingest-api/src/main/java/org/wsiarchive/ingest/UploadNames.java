package org.wsiarchive.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The file name of an upload, from the query parameter or the Content-Disposition header. Only the last path
 * segment is used, and only names that are safe as one file name in the job's source folder: the name keeps its
 * extension because the converter (and a person looking at a failed job) recognise the format by it.
 */
final class UploadNames {

    static final int MAX_LENGTH = 200;

    private UploadNames() {}

    static String fileName(String parameter, String contentDisposition) {
        String name = parameter;
        if (name == null || name.isBlank()) {
            name = fromContentDisposition(contentDisposition);
        }
        return sanitize(name);
    }

    static String fromContentDisposition(String header) {
        if (header == null) return null;
        String star = null, plain = null;
        for (String part : header.split(";")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) continue;
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            String value = kv[1].trim();
            if (key.equals("filename*")) {
                // RFC 6266/5987: charset'language'percent-encoded
                int q = value.indexOf('\'', value.indexOf('\'') + 1);
                if (q > 0) star = URLDecoder.decode(value.substring(q + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            } else if (key.equals("filename")) {
                plain = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1).replace("\\\"", "\"") : value;
            }
        }
        return star != null ? star : plain;
    }

    static String sanitize(String name) {
        if (name == null) return null;
        String n = name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).strip();
        if (n.isEmpty() || n.equals(".") || n.equals("..") || n.startsWith(".") || n.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < n.length(); i++) {
            if (Character.isISOControl(n.charAt(i))) return null;
        }
        return n;
    }
}
