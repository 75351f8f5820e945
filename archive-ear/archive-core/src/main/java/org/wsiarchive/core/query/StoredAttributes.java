package org.wsiarchive.core.query;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableSet;
import java.util.zip.GZIPInputStream;

/** Picks top-level attributes out of an instance's stored DICOM JSON (gzip), decompressing and parsing it once. */
final class StoredAttributes {

    // looked up once: Json.createParser and Json.createObjectBuilder search for the provider on every call
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

    private StoredAttributes() {}

    /**
     * @param keys upper-case hex tags ("00480105"); the stored JSON lists attributes in ascending tag order, so
     *             parsing stops after the last key asked for and never reaches the large per-frame sequences
     *             (5200,9230) unless they are asked for
     */
    static JsonObject pick(byte[] jsonGz, NavigableSet<String> keys) {
        JsonObjectBuilder out = BUILDERS.createObjectBuilder();
        String last = keys.last();
        try (JsonParser p = PARSERS.createParser(new GZIPInputStream(new ByteArrayInputStream(jsonGz), 8192), StandardCharsets.UTF_8)) {
            if (!p.hasNext() || p.next() != JsonParser.Event.START_OBJECT) {
                return out.build();
            }
            while (p.hasNext()) {
                JsonParser.Event e = p.next();
                if (e != JsonParser.Event.KEY_NAME) {
                    break; // END_OBJECT of the data set
                }
                String key = p.getString();
                if (key.compareTo(last) > 0) {
                    break;
                }
                p.next(); // START_OBJECT of the attribute
                if (keys.contains(key)) {
                    out.add(key, p.getObject());
                } else {
                    p.skipObject();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.build();
    }
}
