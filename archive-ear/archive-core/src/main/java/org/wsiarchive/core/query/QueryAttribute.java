package org.wsiarchive.core.query;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes the index holds, where (level and SQL column) and how they match. This table is the single
 * definition of matching for every protocol: QIDO-RS today, C-FIND through the same QueryService.
 *
 * @param defaultReturn returned at its level without being asked for (PS3.18 Table 10.6.3-3 to -5)
 */
public record QueryAttribute(AttributeTag tag, QueryLevel level, String column, Matching matching,
                             boolean defaultReturn) {

    /** How a key value is compared (PS3.4 C.2.2.2). */
    public enum Matching {
        /** UID: single value or list (backslash or comma separated) */
        UID,
        /** case-sensitive single value, * and ? wildcards, backslash-separated list */
        STRING,
        /** Person Name: as STRING but case-insensitive */
        PERSON_NAME,
        /** DA: single date or range */
        DATE,
        /** TM: single time or range */
        TIME,
        /** IS/US: exact integer */
        INTEGER,
        /** a backslash-joined multi-valued column: a key value matches if any stored value matches */
        MULTI_VALUED,
        /** Specimen Identifier inside the Specimen Description Sequence: as STRING, on any item (specimen table) */
        SPECIMEN_STRING,
        /** Specimen UID inside the Specimen Description Sequence: as UID, on any item (specimen table) */
        SPECIMEN_UID,
        /** computed counts: returned, never matched (PS3.4 C.6.1.1: return keys only) */
        RETURN_ONLY
    }

    private static final Map<AttributeTag, QueryAttribute> BY_TAG = new LinkedHashMap<>();

    private static void add(AttributeTag tag, QueryLevel level, String column, Matching m, boolean dflt) {
        BY_TAG.put(tag, new QueryAttribute(tag, level, column, m, dflt));
    }

    static {
        QueryLevel st = QueryLevel.STUDY, se = QueryLevel.SERIES, in = QueryLevel.INSTANCE;
        add(TagFromName.StudyDate, st, "st.study_date", Matching.DATE, true);
        add(TagFromName.StudyTime, st, "st.study_time", Matching.TIME, true);
        add(TagFromName.AccessionNumber, st, "st.accession_number", Matching.STRING, true);
        add(TagFromName.ModalitiesInStudy, st, "st.modalities_in_study", Matching.MULTI_VALUED, true);
        add(TagFromName.ReferringPhysicianName, st, "st.referring_physician_name", Matching.PERSON_NAME, true);
        add(TagFromName.PatientName, st, "p.patient_name", Matching.PERSON_NAME, true);
        add(TagFromName.PatientID, st, "nullif(p.patient_id, '')", Matching.STRING, true);
        add(TagFromName.IssuerOfPatientID, st, "nullif(p.issuer_of_patient_id, '')", Matching.STRING, false);
        add(TagFromName.PatientBirthDate, st, "p.patient_birth_date", Matching.DATE, true);
        add(TagFromName.PatientSex, st, "p.patient_sex", Matching.STRING, true);
        add(TagFromName.StudyInstanceUID, st, "st.study_iuid", Matching.UID, true);
        add(TagFromName.StudyID, st, "st.study_id", Matching.STRING, true);
        add(TagFromName.StudyDescription, st, "st.study_description", Matching.STRING, false);
        add(TagFromName.NumberOfStudyRelatedSeries, st, "st.number_of_series", Matching.RETURN_ONLY, true);
        add(TagFromName.NumberOfStudyRelatedInstances, st, "st.number_of_instances", Matching.RETURN_ONLY, true);

        add(TagFromName.Modality, se, "se.modality", Matching.STRING, true);
        add(TagFromName.SeriesDescription, se, "se.series_description", Matching.STRING, true);
        add(TagFromName.SeriesNumber, se, "se.series_number", Matching.INTEGER, true);
        add(TagFromName.SeriesInstanceUID, se, "se.series_iuid", Matching.UID, true);
        add(TagFromName.BodyPartExamined, se, "se.body_part_examined", Matching.STRING, false);
        add(TagFromName.PerformedProcedureStepStartDate, se, "se.pps_start_date", Matching.DATE, true);
        add(TagFromName.PerformedProcedureStepStartTime, se, "se.pps_start_time", Matching.TIME, true);
        add(TagFromName.NumberOfSeriesRelatedInstances, se, "se.number_of_instances", Matching.RETURN_ONLY, true);

        add(TagFromName.SOPClassUID, in, "i.sop_cuid", Matching.UID, true);
        add(TagFromName.SOPInstanceUID, in, "i.sop_iuid", Matching.UID, true);
        add(TagFromName.InstanceNumber, in, "i.instance_number", Matching.INTEGER, true);
        add(TagFromName.Rows, in, "i.pixel_rows", Matching.INTEGER, true);
        add(TagFromName.Columns, in, "i.pixel_columns", Matching.INTEGER, true);
        add(TagFromName.BitsAllocated, in, "i.bits_allocated", Matching.INTEGER, true);
        add(TagFromName.NumberOfFrames, in, "i.number_of_frames", Matching.INTEGER, true);
        add(TagFromName.SamplesPerPixel, in, "i.samples_per_pixel", Matching.INTEGER, false);
        add(TagFromName.PhotometricInterpretation, in, "i.photometric_interpretation", Matching.STRING, false);
        add(TagFromName.ImageType, in, "i.image_type", Matching.MULTI_VALUED, true);
        add(TagFromName.TotalPixelMatrixColumns, in, "i.total_pixel_matrix_columns", Matching.INTEGER, true);
        add(TagFromName.TotalPixelMatrixRows, in, "i.total_pixel_matrix_rows", Matching.INTEGER, true);
        add(TagFromName.ContainerIdentifier, in, "i.container_identifier", Matching.STRING, true);
        add(TagFromName.FrameOfReferenceUID, in, "i.frame_of_reference_uid", Matching.UID, false);
        add(TagFromName.ContentDate, in, "i.content_date", Matching.DATE, false);
        add(TagFromName.ContentTime, in, "i.content_time", Matching.TIME, false);
        add(org.wsiarchive.core.dicom.Keywords.AVAILABLE_TRANSFER_SYNTAX_UID, in, "i.transfer_syntax_uid", Matching.UID, true);
        add(TagFromName.SpecimenIdentifier, in, "sp.specimen_identifier", Matching.SPECIMEN_STRING, false);
        add(TagFromName.SpecimenUID, in, "sp.specimen_uid", Matching.SPECIMEN_UID, false);
    }

    /** Held in a table of its own (one row per sequence item): matched, never returned from the index. */
    public boolean inSequence() {
        return matching == Matching.SPECIMEN_STRING || matching == Matching.SPECIMEN_UID;
    }

    public static QueryAttribute of(AttributeTag tag) {
        return BY_TAG.get(tag);
    }

    public static Collection<QueryAttribute> all() {
        return BY_TAG.values();
    }

    /** Attributes returned by default for a search at {@code level} whose results also carry {@code from}'s. */
    public static List<QueryAttribute> defaults(QueryLevel from, QueryLevel level) {
        return BY_TAG.values().stream()
                .filter(a -> a.defaultReturn && !a.inSequence() && from.isAtOrAbove(a.level) && a.level.isAtOrAbove(level))
                .toList();
    }
}
