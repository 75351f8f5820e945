package org.wsiarchive.core.multipart;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Minimal RFC 7231 media type parser: {@code type/subtype *( OWS ";" OWS name=(token|quoted-string) )}. */
final class MediaTypeParameters {

    final String mediaType;
    /** Parameter names lower-cased, values unquoted. */
    final Map<String, String> parameters;

    private MediaTypeParameters(String mediaType, Map<String, String> parameters) {
        this.mediaType = mediaType;
        this.parameters = parameters;
    }

    static MediaTypeParameters parse(String header) throws MultipartException {
        if (header == null || header.isBlank()) {
            throw new MultipartException("missing Content-Type");
        }
        int semi = header.indexOf(';');
        String type = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        if (!type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
            throw new MultipartException("malformed media type '" + type + "' in Content-Type: " + header);
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = semi < 0 ? header.length() : semi + 1;
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ';')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                throw new MultipartException("parameter without '=' in Content-Type: " + header);
            }
            String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new MultipartException("empty parameter name in Content-Type: " + header);
            }
            i = eq + 1;
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            boolean quoted = i < n && header.charAt(i) == '"';
            if (quoted) {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = header.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(header.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new MultipartException("unterminated quoted value of parameter '" + name + "' in Content-Type: " + header);
                }
                while (i < n && header.charAt(i) != ';') {
                    if (header.charAt(i) != ' ' && header.charAt(i) != '\t') {
                        throw new MultipartException("unexpected text after quoted value of '" + name + "' in Content-Type: " + header);
                    }
                    i++;
                }
            } else {
                int end = header.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                value.append(header, i, end);
                i = end;
            }
            params.putIfAbsent(name, quoted ? value.toString() : value.toString().strip());
        }
        return new MediaTypeParameters(type, Collections.unmodifiableMap(params));
    }
}
