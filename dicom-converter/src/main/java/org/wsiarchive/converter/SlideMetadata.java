package org.wsiarchive.converter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.json.Json;
import javax.json.JsonException;
import javax.json.JsonNumber;
import javax.json.JsonObject;
import javax.json.JsonString;
import javax.json.JsonValue;
import javax.json.stream.JsonParsingException;
import org.wsiarchive.converter.dicom.Uids;

/**
 * Patient / study / series / specimen metadata for the converted instances, keyed by DICOM keyword. Only the keys
 * in {@link #KEYS} are accepted (everything else in the instances is produced by the converter).
 */
public final class SlideMetadata {

    /** Accepted keys. IssuerOfTheContainerIdentifier is written as LocalNamespaceEntityID of the issuer sequence. */
    public static final Set<String> KEYS = Set.of(
            "PatientID", "PatientName", "PatientBirthDate", "PatientSex", "IssuerOfPatientID",
            "StudyInstanceUID", "StudyID", "StudyDate", "StudyTime", "AccessionNumber", "StudyDescription",
            "ReferringPhysicianName", "SeriesInstanceUID", "SeriesNumber", "SeriesDescription",
            "InstitutionName", "InstitutionalDepartmentName",
            "ContainerIdentifier", "IssuerOfTheContainerIdentifier", "SpecimenIdentifier", "SpecimenUID",
            "SpecimenShortDescription");

    private final Map<String, String> values = new LinkedHashMap<>();

    public SlideMetadata() {
    }

    public static SlideMetadata fromJson(Path file) throws IOException {
        SlideMetadata m = new SlideMetadata();
        try (Reader r = Files.newBufferedReader(file); javax.json.JsonReader jr = Json.createReader(r)) {
            JsonObject o = jr.readObject();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                JsonValue v = e.getValue();
                String s = switch (v.getValueType()) {
                    case STRING -> ((JsonString) v).getString();
                    case NUMBER -> ((JsonNumber) v).toString();
                    case NULL -> null;
                    default -> throw new IllegalArgumentException("metadata key " + e.getKey() + " must be a string or number");
                };
                if (s != null) {
                    m.set(e.getKey(), s);
                }
            }
        } catch (JsonParsingException | ClassCastException e) {
            throw new IllegalArgumentException("metadata file " + file + " is not a JSON object: " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new IllegalArgumentException("metadata file " + file + ": " + e.getMessage(), e);
        }
        return m;
    }

    /** Sets a value after checking the key and the value's form (UIDs, dates, sex). */
    public SlideMetadata set(String key, String value) {
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown metadata key " + key + " (accepted: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
        }
        String v = value == null ? "" : value.trim();
        if (key.endsWith("UID") && !v.isEmpty() && !Uids.isValid(v)) {
            throw new IllegalArgumentException(key + " is not a valid UID: " + v);
        }
        if ((key.endsWith("Date")) && !v.isEmpty() && !v.matches("\\d{8}")) {
            throw new IllegalArgumentException(key + " must be YYYYMMDD: " + v);
        }
        if (key.equals("StudyTime") && !v.isEmpty() && !v.matches("\\d{2,6}(\\.\\d{1,6})?")) {
            throw new IllegalArgumentException("StudyTime must be HHMMSS: " + v);
        }
        if (key.equals("PatientSex") && !v.isEmpty() && !v.matches("[MFO]")) {
            throw new IllegalArgumentException("PatientSex must be M, F or O: " + v);
        }
        if (key.equals("SeriesNumber") && !v.isEmpty() && !v.matches("-?\\d{1,10}")) {
            throw new IllegalArgumentException("SeriesNumber must be an integer: " + v);
        }
        values.put(key, v);
        return this;
    }

    /** Copies every value of {@code other} over this one. */
    public SlideMetadata merge(SlideMetadata other) {
        values.putAll(other.values);
        return this;
    }

    public String get(String key) {
        return values.get(key);
    }

    public String get(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? defaultValue : v;
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
