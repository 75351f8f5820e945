package org.wsiarchive.core.query;

import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds person names for fuzzy matching: lower case, accents removed (Müller, MÜLLER and muller are one name).
 * The same one-character table folds the key in Java and the stored value in SQL ({@code translate}), so both
 * sides agree whatever the database's locale does with {@code lower()} beyond ASCII.
 */
final class PersonNameFolding {

    /** Characters whose fold differs from themselves, and their folds, position by position. */
    private static final String FROM, TO;

    static {
        Map<Character, Character> table = new LinkedHashMap<>();
        // Latin-1 Supplement to Latin Extended-B, Greek and Cyrillic: the scripts person names on slides use
        for (char c = 0x00C0; c <= 0x052F; c++) {
            if (!Character.isLetter(c)) continue;
            char f = foldOne(Character.toLowerCase(c));
            if (f != c) table.put(c, f);
        }
        // letters with strokes do not decompose
        char[][] strokes = {{'ø', 'o'}, {'Ø', 'o'}, {'đ', 'd'}, {'Đ', 'd'}, {'ł', 'l'}, {'Ł', 'l'}, {'ħ', 'h'}, {'Ħ', 'h'}};
        for (char[] s : strokes) table.put(s[0], s[1]);
        StringBuilder from = new StringBuilder(), to = new StringBuilder();
        table.forEach((k, v) -> {
            from.append(k);
            to.append(v);
        });
        FROM = from.toString();
        TO = to.toString();
    }

    private PersonNameFolding() {}

    /** The base letter of an accented letter (é → e), or the letter itself. */
    private static char foldOne(char c) {
        String d = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
        if (d.length() > 1 && d.codePoints().skip(1).allMatch(cp -> Character.getType(cp) == Character.NON_SPACING_MARK)) {
            return d.charAt(0);
        }
        return c;
    }

    static String fold(String value) {
        // per character, as the table was built (String.toLowerCase may change the length: İ → i̇)
        StringBuilder sb = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            c = Character.toLowerCase(c);
            int i = FROM.indexOf(c);
            sb.append(i >= 0 ? TO.charAt(i) : c);
        }
        return sb.toString();
    }

    /** The SQL expression folding {@code column} exactly as {@link #fold} folds a key. */
    static String sql(String column) {
        return "translate(lower(" + column + "), '" + FROM + "', '" + TO + "')";
    }
}
