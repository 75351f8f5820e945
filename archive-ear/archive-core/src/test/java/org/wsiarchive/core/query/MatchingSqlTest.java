package org.wsiarchive.core.query;

import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MatchingSqlTest {

    private final StringBuilder where = new StringBuilder("true");
    private final List<Object> params = new ArrayList<>();

    @Test
    void fuzzyPersonNameMatchesWholeNameOrAnyComponent() throws Exception {
        new MatchingSql(where, params, true).add(QueryAttribute.of(TagFromName.PatientName), "PatientName", "MÜLL*^");
        assertTrue(where.toString().contains("regexp_split_to_table"), where.toString());
        assertEquals(List.of("mull%", "mull%"), params);
    }

    @Test
    void withoutFuzzyTheWholeNameMatchesCaseInsensitively() throws Exception {
        new MatchingSql(where, params, false).add(QueryAttribute.of(TagFromName.PatientName), "PatientName", "Smith^J*");
        assertFalse(where.toString().contains("regexp_split_to_table"));
        assertEquals(List.of("smith^j%"), params);
    }

    @Test
    void combinedDateTimeRange() throws Exception {
        new MatchingSql(where, params, false).addDateTimeRange(QueryAttribute.of(TagFromName.StudyDate), "StudyDate",
                "20240105-20240107", QueryAttribute.of(TagFromName.StudyTime), "StudyTime", "0900-1800");
        assertEquals(List.of("20240105", "20240105", "0900", "20240107", "20240107", "1800", "1800%"), params);
        assertEquals(params.size(), where.chars().filter(c -> c == '?').count());
    }

    @Test
    void invalidValuesNameTheKey() {
        MatchingSql m = new MatchingSql(where, params, false);
        assertTrue(assertThrows(InvalidQueryException.class,
                () -> m.add(QueryAttribute.of(TagFromName.StudyDate), "StudyDate", "2024-01-05")).getMessage().startsWith("StudyDate"));
        assertTrue(assertThrows(InvalidQueryException.class,
                () -> m.add(QueryAttribute.of(TagFromName.SOPClassUID), "SOPClassUID", "1.2.x")).getMessage().startsWith("SOPClassUID"));
        assertThrows(InvalidQueryException.class, () -> m.addDateTimeRange(QueryAttribute.of(TagFromName.StudyDate),
                "StudyDate", "20240105-", QueryAttribute.of(TagFromName.StudyTime), "StudyTime", "9am-"));
    }

    @Test
    void specimenKeysMatchAnyItemOfTheSequence() throws Exception {
        new MatchingSql(where, params, false).add(QueryAttribute.of(TagFromName.SpecimenUID), "SpecimenUID", "1.2.3,1.2.4");
        assertTrue(where.toString().contains("exists (select 1 from specimen sp where sp.instance_fk = i.pk"));
        assertEquals(List.of("1.2.3", "1.2.4"), params);
    }
}
