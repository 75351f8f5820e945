package org.wsiarchive.dicomweb;

import java.util.*;

/**
 * One media range of an Accept header, with the DICOMweb parameters that matter: for multipart/related the
 * {@code type} of its parts, and {@code transfer-syntax}. Parsed by hand because the DICOM parameters are quoted
 * in several ways by real clients and JAX-RS' MediaType parsing is strict.
 */
record AcceptedType(String type, String partType, String transferSyntax, double quality) {

    boolean multipart() {
        return type.equals("multipart/related");
    }

    /** The media type of a single part (or of the single-part body). */
    String bodyType() {
        return multipart() ? (partType == null ? "*/*" : partType) : type;
    }

    boolean accepts(String mediaType) {
        String b = bodyType();
        if (b.equals("*/*")) return true;
        if (b.endsWith("/*")) return mediaType.startsWith(b.substring(0, b.length() - 1));
        return b.equals(mediaType);
    }

    /** Whether this range admits the given transfer syntax; a range naming no syntax admits only {@code dflt}. */
    boolean acceptsTransferSyntax(String tsuid, String dflt) {
        if (transferSyntax == null) return dflt == null || tsuid.equals(dflt);
        return transferSyntax.equals("*") || transferSyntax.equals(tsuid);
    }

    static List<AcceptedType> parse(String header) {
        List<AcceptedType> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String range : splitOutsideQuotes(header, ',')) {
            List<String> pieces = splitOutsideQuotes(range, ';');
            if (pieces.isEmpty() || pieces.get(0).isBlank()) continue;
            String type = pieces.get(0).trim().toLowerCase(Locale.ROOT);
            if (type.equals("*")) type = "*/*";
            String partType = null, ts = null;
            double q = 1.0;
            for (int i = 1; i < pieces.size(); i++) {
                String[] kv = pieces.get(i).split("=", 2);
                if (kv.length != 2) continue;
                String key = kv[0].trim().toLowerCase(Locale.ROOT);
                String value = kv[1].trim();
                if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                    value = value.substring(1, value.length() - 1);
                }
                switch (key) {
                    case "type" -> partType = value.toLowerCase(Locale.ROOT);
                    case "transfer-syntax" -> ts = value;
                    case "q" -> {
                        try {
                            q = Double.parseDouble(value);
                        } catch (NumberFormatException ignored) {
                            q = 0;
                        }
                    }
                    default -> { }
                }
            }
            if (q > 0) out.add(new AcceptedType(type, partType, ts, q));
        }
        out.sort(Comparator.comparingDouble(AcceptedType::quality).reversed());
        return out;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') quoted = !quoted;
            if (c == separator && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
