package org.wsiarchive.core.query;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns one key value into an SQL condition on its column, following PS3.4 C.2.2.2: single value, wildcard
 * (* and ?), list of values (backslash; also comma for UIDs, as PS3.18 allows), date and time ranges, combined
 * date-time ranges (C.2.2.2.5) and, when asked for, fuzzy person-name matching (see {@link PersonNameFolding}).
 * Values always travel as bind parameters.
 */
final class MatchingSql {

    private static final Pattern DATE = Pattern.compile("\\d{8}");
    private static final Pattern TIME = Pattern.compile("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?");
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    private final StringBuilder where;
    private final List<Object> params;
    private final boolean fuzzyMatching;

    MatchingSql(StringBuilder where, List<Object> params, boolean fuzzyMatching) {
        this.where = where;
        this.params = params;
        this.fuzzyMatching = fuzzyMatching;
    }

    /** True when {@code value} asks for no matching at all (empty or a lone *). */
    static boolean isUniversal(String value) {
        String v = value.trim();
        return v.isEmpty() || v.equals("*");
    }

    void add(QueryAttribute attribute, String keyword, String value) throws InvalidQueryException {
        if (isUniversal(value)) {
            return;
        }
        String v = value.trim();
        String col = attribute.column();
        switch (attribute.matching()) {
            case UID -> {
                List<String> uids = split(v, "[\\\\,]");
                for (String uid : uids) {
                    if (!UID.matcher(uid).matches() || uid.length() > 128) {
                        throw new InvalidQueryException(keyword + ": '" + uid + "' is not a valid UID");
                    }
                }
                anyOf(col + " = ?", uids);
            }
            case STRING -> anyOf(split(v, "\\\\"), s -> textCondition(col, s, false));
            case PERSON_NAME -> anyOf(split(v, "\\\\"),
                    s -> fuzzyMatching ? fuzzyNameCondition(col, s) : textCondition(col, s, true));
            case MULTI_VALUED -> anyOf(split(v, "\\\\"), s -> {
                params.add(like(s));
                return "exists (select 1 from unnest(string_to_array(" + col + ", '\\')) mv where mv like ? escape '!')";
            });
            case INTEGER -> {
                List<String> values = split(v, "\\\\");
                for (String s : values) {
                    try {
                        Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        throw new InvalidQueryException(keyword + ": '" + s + "' is not an integer");
                    }
                }
                anyOf(values, s -> {
                    params.add(Long.parseLong(s));
                    return col + " = ?";
                });
            }
            case DATE -> range(keyword, col, v, DATE, "YYYYMMDD");
            case TIME -> range(keyword, col, v, TIME, "HHMMSS[.FFFFFF]");
            case RETURN_ONLY -> throw new InvalidQueryException(keyword
                    + " is computed by the archive and returned, it cannot be used as a matching key");
            case SPECIMEN_UID, SPECIMEN_STRING -> {
                // an item of the Specimen Description Sequence must match: the specimen table holds one row per item
                StringBuilder sub = new StringBuilder("true");
                QueryAttribute item = new QueryAttribute(attribute.tag(), attribute.level(), col,
                        attribute.matching() == QueryAttribute.Matching.SPECIMEN_UID
                                ? QueryAttribute.Matching.UID : QueryAttribute.Matching.STRING, false);
                new MatchingSql(sub, params, fuzzyMatching).add(item, keyword, v);
                and("exists (select 1 from specimen sp where sp.instance_fk = i.pk and " + sub + ")");
            }
        }
    }

    /**
     * StudyDate with StudyTime (or another DA with its TM) as one date-time range, PS3.4 C.2.2.2.5: the lower bound
     * is the first date at the first time, the upper the second date at the second time, so 20240105-20240107 with
     * 1000-1800 runs from 5 January 10:00 to 7 January 18:00 (not 10:00 to 18:00 on each day). Used when both keys
     * are ranges; a missing time bound leaves that date bound whole.
     */
    void addDateTimeRange(QueryAttribute date, String dateKeyword, String dateRange,
                          QueryAttribute time, String timeKeyword, String timeRange) throws InvalidQueryException {
        String[] d = bounds(dateKeyword, dateRange.trim(), DATE, "YYYYMMDD");
        String[] t = bounds(timeKeyword, timeRange.trim(), TIME, "HHMMSS[.FFFFFF]");
        String dc = date.column(), tc = "coalesce(" + time.column() + ", '')";
        List<String> conditions = new ArrayList<>();
        if (!d[0].isEmpty()) {
            if (t[0].isEmpty()) {
                params.add(d[0]);
                conditions.add(dc + " >= ?");
            } else {
                params.add(d[0]);
                params.add(d[0]);
                params.add(t[0]);
                conditions.add("(" + dc + " > ? or (" + dc + " = ? and " + tc + " >= ?))");
            }
        }
        if (!d[1].isEmpty()) {
            if (t[1].isEmpty()) {
                params.add(d[1]);
                conditions.add(dc + " <= ?");
            } else {
                params.add(d[1]);
                params.add(d[1]);
                params.add(t[1]);
                params.add(like(t[1]) + "%");
                conditions.add("(" + dc + " < ? or (" + dc + " = ? and (" + tc + " <= ? or " + tc + " like ? escape '!')))");
            }
        }
        if (d[0].isEmpty() && d[1].isEmpty()) {
            throw new InvalidQueryException(dateKeyword + ": empty range '" + dateRange + "'");
        }
        and(String.join(" and ", conditions));
    }

    private static String[] bounds(String keyword, String v, Pattern format, String formatName)
            throws InvalidQueryException {
        int dash = v.indexOf('-');
        String from = v.substring(0, dash).trim(), to = v.substring(dash + 1).trim();
        if (!from.isEmpty()) check(keyword, from, format, formatName);
        if (!to.isEmpty()) check(keyword, to, format, formatName);
        return new String[] {from, to};
    }

    private String textCondition(String col, String value, boolean caseInsensitive) {
        boolean wildcard = value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
        if (!wildcard) {
            params.add(caseInsensitive ? value.toLowerCase() : value);
            return (caseInsensitive ? "lower(" + col + ")" : col) + " = ?";
        }
        params.add(caseInsensitive ? like(value).toLowerCase() : like(value));
        return (caseInsensitive ? "lower(" + col + ")" : col) + " like ? escape '!'";
    }

    /**
     * Fuzzy person-name matching (our choice, PS3.4 C.2.2.2.1.9 leaves it to the implementation): both sides folded
     * (case and accents removed, trailing empty components dropped); the key, wildcards included, matches the whole
     * name or any one of its components, so "muller" finds "Müller^Hans" and "hans" finds it too.
     */
    private String fuzzyNameCondition(String col, String value) {
        String folded = "rtrim(" + PersonNameFolding.sql(col) + ", '^= ')";
        String pattern = like(PersonNameFolding.fold(value).replaceAll("[\\^= ]+$", ""));
        params.add(pattern);
        params.add(pattern);
        return "(" + folded + " like ? escape '!' or exists (select 1 from regexp_split_to_table(" + folded
                + ", '[\\^= ]+') nc where nc like ? escape '!'))";
    }

    /** DICOM wildcards to an SQL LIKE pattern with '!' as escape character. */
    static String like(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 4);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> sb.append('%');
                case '?' -> sb.append('_');
                case '%', '_', '!' -> sb.append('!').append(c);
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private void range(String keyword, String col, String v, Pattern format, String formatName)
            throws InvalidQueryException {
        int dash = v.indexOf('-');
        if (dash < 0) {
            check(keyword, v, format, formatName);
            // a time matches at its own precision: 10 matches 10, 1015, 101530.5
            if (format == TIME) {
                params.add(v);
                params.add(like(v) + "%");
                and(col + " = ? or " + col + " like ? escape '!'");
            } else {
                params.add(v);
                and(col + " = ?");
            }
            return;
        }
        String from = v.substring(0, dash).trim(), to = v.substring(dash + 1).trim();
        if (from.isEmpty() && to.isEmpty()) {
            throw new InvalidQueryException(keyword + ": empty range '" + v + "'");
        }
        List<String> conditions = new ArrayList<>();
        if (!from.isEmpty()) {
            check(keyword, from, format, formatName);
            params.add(from);
            conditions.add(col + " >= ?");
        }
        if (!to.isEmpty()) {
            check(keyword, to, format, formatName);
            params.add(to);
            if (format == TIME) {
                // an upper time bound includes everything within its precision (up to 10 means until 10:59:59.999999)
                params.add(like(to) + "%");
                conditions.add("(" + col + " <= ? or " + col + " like ? escape '!')");
            } else {
                conditions.add(col + " <= ?");
            }
        }
        and(String.join(" and ", conditions));
    }

    private static void check(String keyword, String v, Pattern format, String formatName) throws InvalidQueryException {
        if (!format.matcher(v).matches()) {
            throw new InvalidQueryException(keyword + ": '" + v + "' is not a valid value or range (" + formatName + ")");
        }
    }

    private interface Condition {
        String sql(String value);
    }

    private void anyOf(List<String> values, Condition condition) {
        List<String> ors = new ArrayList<>();
        for (String s : values) {
            ors.add(condition.sql(s));
        }
        and(String.join(" or ", ors));
    }

    private void anyOf(String sqlWithOneParam, List<String> values) {
        anyOf(values, s -> {
            params.add(s);
            return sqlWithOneParam;
        });
    }

    private void and(String condition) {
        where.append(" and (").append(condition).append(')');
    }

    private static List<String> split(String v, String separatorRegex) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(separatorRegex, -1)) {
            if (!s.trim().isEmpty()) out.add(s.trim());
        }
        return out;
    }
}
