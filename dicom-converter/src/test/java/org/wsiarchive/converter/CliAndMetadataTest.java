package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.cli.Wsi2Dicom;

class CliAndMetadataTest {

    @TempDir
    Path tmp;

    @Test
    void metadataFromJsonAndOptionsNoLabel() throws Exception {
        Path json = tmp.resolve("m.json");
        Files.writeString(json, """
                {"PatientID": "P-001", "PatientName": "Doe^Jane", "AccessionNumber": "A123",
                 "StudyInstanceUID": "2.25.1234567890", "ContainerIdentifier": "S-26-0001-A1",
                 "SpecimenIdentifier": "S-26-0001-A", "IssuerOfTheContainerIdentifier": "LAB"}
                """);
        Path out = tmp.resolve("out");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(new String[] {TestSupport.svs("CMU-1-Small-Region.svs").toString(), out.toString(),
                "--metadata", json.toString(), "--no-label", "--patient-id", "P-002", "--no-generated-levels"}, new PrintStream(o), new PrintStream(e));
        assertEquals(0, rc, e.toString());
        String summary = o.toString();
        assertTrue(summary.contains("1 levels, 3 instances"), "--no-generated-levels: " + summary);
        assertTrue(summary.contains("lossless conversion"), summary);
        assertFalse(Files.exists(out.resolve("label.dcm")), "--no-label");
        for (String f : new String[] {"level-0.dcm", "thumbnail.dcm", "overview.dcm"}) {
            AttributeList l = TestSupport.header(out.resolve(f));
            assertEquals("P-002", Dcm.str(l, "PatientID"), "option after --metadata wins");
            assertEquals("Doe^Jane", Dcm.str(l, "PatientName"));
            assertEquals("A123", Dcm.str(l, "AccessionNumber"));
            assertEquals("2.25.1234567890", Dcm.str(l, "StudyInstanceUID"));
            assertEquals("S-26-0001-A1", Dcm.str(l, "ContainerIdentifier"));
            assertEquals("LAB", Dcm.str(Dcm.item(l, "IssuerOfTheContainerIdentifierSequence"), "LocalNamespaceEntityID").strip(), "UT is space padded");
            AttributeList spec = Dcm.item(l, "SpecimenDescriptionSequence");
            assertEquals("S-26-0001-A", Dcm.str(spec, "SpecimenIdentifier"));
            assertTrue(Dcm.str(spec, "SpecimenUID").startsWith("2.25."));
            assertEquals("433466003", Dcm.str(Dcm.item(l, "ContainerTypeCodeSequence"), "CodeValue"));
            assertEquals("20", Dcm.str(Dcm.item(l, "OpticalPathSequence"), "ObjectiveLensPower"));
        }
    }

    /**
     * The header is built with explicit PixelMed attribute classes (no dictionary look-up while writing): every
     * attribute of every output, nested ones included, must carry the VR of PixelMed's dictionary; non-ASCII text
     * round-trips as UTF-8 under ISO_IR 192.
     */
    @Test
    void headerVrsMatchTheDictionaryAndTextIsUtf8() throws Exception {
        Path json = tmp.resolve("m.json");
        Files.writeString(json, """
                {"PatientName": "M\u00fcller^J\u00f6rg", "IssuerOfPatientID": "HOSP", "StudyDescription": "Histologie",
                 "InstitutionName": "Klinik", "SpecimenShortDescription": "Kolon", "IssuerOfTheContainerIdentifier": "LAB"}
                """);
        Path out = tmp.resolve("vr");
        int rc = Wsi2Dicom.run(new String[] {TestSupport.svs("CMU-1-Small-Region.svs").toString(), out.toString(),
                "--metadata", json.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, rc);
        int checked = 0;
        try (var files = Files.list(out)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                AttributeList l = TestSupport.header(f);
                assertEquals("ISO_IR 192", Dcm.str(l, "SpecificCharacterSet"));
                assertEquals("M\u00fcller^J\u00f6rg", Dcm.str(l, "PatientName"));
                checked += checkVrs(l, f.getFileName().toString());
            }
        }
        assertTrue(checked > 400, "attributes checked: " + checked);
    }

    private static int checkVrs(AttributeList l, String where) {
        int n = 0;
        for (com.pixelmed.dicom.Attribute a : l.values()) {
            byte[] expected = AttributeList.getDictionary().getValueRepresentationFromTag(a.getTag());
            if (a.getTag().equals(com.pixelmed.dicom.TagFromName.PixelData)) {
                continue;
            }
            assertTrue(expected != null, where + ": " + a.getTag() + " not in the dictionary");
            assertEquals(new String(expected, java.nio.charset.StandardCharsets.US_ASCII),
                    new String(a.getVR(), java.nio.charset.StandardCharsets.US_ASCII), where + ": VR of " + a.getTag());
            n++;
            if (a instanceof com.pixelmed.dicom.SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    n += checkVrs(s.getItem(i).getAttributeList(), where);
                }
            }
        }
        return n;
    }

    @Test
    void mppOptionOverridesMissingCalibration() throws Exception {
        Path out = tmp.resolve("tcga");
        ConversionResult r = Converter.convert(TestSupport.svs("tcga-cr-7395-01a-01-ts1.svs"), out, new SlideMetadata(),
                ConversionOptions.defaults().withMppOverride(0.5).withIncludeThumbnail(false));
        assertFalse(r.mppEstimated());
        AttributeList l = TestSupport.header(out.resolve("level-1.dcm"));
        double[] ps = Dcm.doubles(Dcm.item(Dcm.item(l, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence"), "PixelSpacing");
        assertEquals(0.0005 * 4443 / 2221, ps[1], 1e-9);
        assertEquals(0.0005 * 3567 / 1783, ps[0], 1e-9);
        assertEquals("YBR_ICT", Dcm.str(l, "PhotometricInterpretation"), "Aperio 33005: irreversible colour transform in the codestream");
        assertEquals("1.2.840.10008.1.2.4.91", Dcm.str(l, "TransferSyntaxUID"));
        assertFalse(Files.exists(out.resolve("thumbnail.dcm")));
    }

    @Test
    void refusesToOverwriteExistingOutput() throws Exception {
        Path out = tmp.resolve("twice");
        Converter.convert(TestSupport.svs("small.svs"), out, new SlideMetadata(), ConversionOptions.defaults());
        long before;
        try (var s = Files.list(out)) {
            before = s.count();
        }
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () ->
                Converter.convert(TestSupport.svs("small.svs"), out, new SlideMetadata(), ConversionOptions.defaults()));
        try (var s = Files.list(out)) {
            assertEquals(before, s.count(), "nothing added or removed");
        }
    }
}
