package org.wsiarchive.core.dicom.json;

import com.pixelmed.dicom.*;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.wsiarchive.core.SharedTestData;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * DICOM JSON read back: writer → reader → writer gives the same JSON for every shared WSI file, and a Part 10
 * object built from JSON + bulk data has the source's attributes and Pixel Data bytes.
 */
class DicomJsonReaderTest {


    private static JsonObject json(AttributeList list, DicomJsonWriter.BulkDataPolicy policy) {
        byte[] bytes = new DicomJsonWriter(policy).toBytes(list);
        return Json.createReader(new ByteArrayInputStream(bytes)).readObject();
    }

    @Test
    void writerReaderWriterIsTheIdentityOnTheSharedWsiFiles() throws Exception {
        for (var header : SharedTestData.wsiHeaders().entrySet()) {
            Path f = header.getKey();
            AttributeList list = header.getValue();
            // everything inline, so that the reader gets every value back without a resolver
            JsonObject first = json(list, (path, a) -> path.tag() == 0x7FE00010 ? "pixels" : null);
            AttributeList read = new DicomJsonReader((path, vr, uri) -> null).read(first);
            JsonObject second = json(read, (path, a) -> path.tag() == 0x7FE00010 ? "pixels" : null);
            JsonObject expected = first;
            if (!first.containsKey("00080005") && second.containsKey("00080005")) {
                // a non-ASCII value without a character set gets ISO_IR 192 on the way back
                expected = Json.createObjectBuilder(first).add("00080005", second.get("00080005")).build();
            }
            assertEquals(expected, second, f.toString());
        }
    }

    @Test
    void refusesWhatIsNotDicomJson() {
        DicomJsonReader reader = new DicomJsonReader((path, vr, uri) -> null);
        for (String bad : List.of("{\"0010001\":{\"vr\":\"PN\"}}", "{\"00100010\":{\"Value\":[\"x\"]}}",
                "{\"00100020\":{\"vr\":\"LO\",\"Value\":\"x\"}}", "{\"00280010\":{\"vr\":\"US\",\"Value\":[{}]}}",
                "{\"00282000\":{\"vr\":\"OB\",\"InlineBinary\":\"***\"}}", "{\"00000000\":[]}")) {
            JsonObject o = Json.createReader(new java.io.StringReader(bad)).readObject();
            assertThrows(DicomJsonReader.DicomJsonException.class, () -> reader.read(o), bad);
        }
    }

    @Test
    void part10FromJsonAndBulkData(@TempDir Path tmp) throws Exception {
        for (String name : List.of("dicom-wsi/highdicom/sm_image.dcm", "dicom-wsi/highdicom/sm_image_jpegls.dcm")) {
            Path source = SharedTestData.DIR.resolve(name);
            AttributeList header = new AttributeList();
            header.read(source.toFile(), TagFromName.PixelData);
            String ts = Attribute.getSingleStringValueOrNull(header, TagFromName.TransferSyntaxUID);
            header.removeMetaInformationHeaderAttributes();
            header.put(new OtherByteAttribute(TagFromName.PixelData));
            JsonObject json = json(header, DicomJsonWriter.defaultPolicy("bulk/"));

            // the bulk data: the ICC profile as it is, Pixel Data as native bytes or one file per frame
            AttributeList full = new AttributeList();
            full.read(source.toFile(), TagFromName.PixelData);
            Map<String, List<Part10FromJson.BulkPart>> bulk = new java.util.HashMap<>();
            byte[] icc = ((SequenceAttribute) full.get(TagFromName.OpticalPathSequence)).getItem(0).getAttributeList()
                    .get(TagFromName.ICCProfile).getByteValues();
            bulk.put("bulk/00480105/1/00282000", List.of(file(tmp, icc, "application/octet-stream")));
            List<byte[]> frames = frames(source);
            if (ts.equals("1.2.840.10008.1.2.1")) {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                frames.forEach(all::writeBytes);
                bulk.put("bulk/7FE00010", List.of(file(tmp, all.toByteArray(), "application/octet-stream")));
            } else {
                List<Part10FromJson.BulkPart> parts = new java.util.ArrayList<>();
                for (byte[] fr : frames) parts.add(file(tmp, fr, "image/jls; transfer-syntax=" + ts));
                bulk.put("bulk/7FE00010", parts);
            }
            Part10FromJson built = Part10FromJson.prepare(json, bulk::get);
            assertEquals(ts, built.transferSyntaxUid());
            Path out = tmp.resolve("built.dcm");
            long written;
            try (OutputStream o = Files.newOutputStream(out)) {
                written = built.writeTo(o);
            }
            assertEquals(Files.size(out), written);
            assertEquals(frames.size(), frames(out).size());
            for (int i = 0; i < frames.size(); i++) {
                assertArrayEquals(frames.get(i), frames(out).get(i), name + " frame " + (i + 1));
            }
            AttributeList back = new AttributeList();
            back.read(out.toFile(), TagFromName.PixelData);
            back.removeMetaInformationHeaderAttributes();
            back.put(new OtherByteAttribute(TagFromName.PixelData));
            assertEquals(json, json(back, DicomJsonWriter.defaultPolicy("bulk/")), name);
        }
    }

    private static int counter;

    private static Part10FromJson.BulkPart file(Path dir, byte[] content, String type) throws IOException {
        Path f = dir.resolve("part-" + (counter++));
        Files.write(f, content);
        return new Part10FromJson.BulkPart(f, content.length, type);
    }

    /** The stored bytes of each frame, as the archive's frame index finds them. */
    private static List<byte[]> frames(Path file) throws Exception {
        org.wsiarchive.core.dicom.frames.FrameIndex index = org.wsiarchive.core.dicom.frames.FrameIndexBuilder.build(file);
        List<byte[]> out = new java.util.ArrayList<>();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            for (int f = 0; f < index.frameCount(); f++) {
                out.add(index.readFrame(ch, f));
            }
        }
        return out;
    }
}
