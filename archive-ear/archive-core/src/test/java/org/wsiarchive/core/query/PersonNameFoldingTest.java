package org.wsiarchive.core.query;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PersonNameFoldingTest {

    @Test
    void foldsCaseAndAccents() {
        assertEquals("muller^hans", PersonNameFolding.fold("MÜLLER^Hans"));
        assertEquals("garcia^jose", PersonNameFolding.fold("García^José"));
        assertEquals("lodz^oslo", PersonNameFolding.fold("Łódź^Øslo"));
        assertEquals("иванов", PersonNameFolding.fold("ИВАНОВ"));
        assertEquals("*ll?r*", PersonNameFolding.fold("*LL?R*"), "wildcards untouched");
    }

    @Test
    void sqlTableFoldsUpperAndLowerCaseToTheSameLetter() {
        String sql = PersonNameFolding.sql("p.patient_name");
        assertTrue(sql.startsWith("translate(lower(p.patient_name), '"));
        String[] parts = sql.split("'");
        String from = parts[1], to = parts[3];
        assertEquals(from.length(), to.length());
        assertEquals('u', to.charAt(from.indexOf('Ü')));
        assertEquals('u', to.charAt(from.indexOf('ü')));
        assertFalse(from.contains("'"), "no quote inside the literal");
        // the Java fold and the table agree for every letter the table holds, whichever case lower() leaves
        for (int i = 0; i < from.length(); i++) {
            assertEquals(String.valueOf(to.charAt(i)), PersonNameFolding.fold(String.valueOf(from.charAt(i))),
                    "fold of " + from.charAt(i));
        }
    }
}
