package org.wsiarchive.core.query;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class StoredAttributesTest {

    @Test
    void picksTheAskedTopLevelAttributesAndStopsAfterTheLast() throws Exception {
        String json = "{\"00080070\":{\"vr\":\"LO\",\"Value\":[\"Maker\"]},"
                + "\"00480105\":{\"vr\":\"SQ\",\"Value\":[{\"00480106\":{\"vr\":\"SH\",\"Value\":[\"1\"]}}]},"
                + "\"00480106\":{\"vr\":\"SH\",\"Value\":[\"nested only\"]},"
                + "\"52009230\":{\"vr\":\"SQ\",\"Value\":[ this is not even JSON";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(json.getBytes(StandardCharsets.UTF_8));
        }
        JsonObject picked = StoredAttributes.pick(bytes.toByteArray(), new TreeSet<>(java.util.List.of("00480105", "00080070")));
        assertEquals(2, picked.size());
        assertEquals("Maker", picked.getJsonObject("00080070").getJsonArray("Value").getString(0));
        assertEquals("1", picked.getJsonObject("00480105").getJsonArray("Value").getJsonObject(0)
                .getJsonObject("00480106").getJsonArray("Value").getString(0));
    }
}
