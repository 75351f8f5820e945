package org.wsiarchive.core.query;

import com.pixelmed.dicom.*;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.dicom.Keywords;

import jakarta.json.JsonObject;

import java.util.*;

/**
 * Searches the index at study, series or instance level. Every protocol adapter builds a {@link QueryRequest} and
 * gets PixelMed attribute lists back, so matching exists once (see {@link QueryAttribute}, {@link MatchingSql}).
 */
@ApplicationScoped
public class QueryService {

    @PersistenceContext(unitName = "archive")
    EntityManager em;
    @Inject
    AuditService audit;

    @Transactional
    public QueryResult query(QueryRequest request, Requester who) throws InvalidQueryException {
        try {
            QueryResult result = execute(request);
            audit.record(AuditAction.QUERY, AuditService.Outcome.SUCCESS, who, request.studyInstanceUid(), null,
                    describe(request) + " -> " + result.matches().size() + " matches");
            return result;
        } catch (InvalidQueryException e) {
            audit.record(AuditAction.QUERY, AuditService.Outcome.FAILURE, who, request.studyInstanceUid(), null,
                    describe(request) + ": " + e.getMessage());
            throw e;
        }
    }

    /** DA and TM keys that together form one date-time range when both are ranges (PS3.4 C.2.2.2.5). */
    private static final AttributeTag[][] DATE_TIME_PAIRS = {
            {TagFromName.StudyDate, TagFromName.StudyTime},
            {TagFromName.PerformedProcedureStepStartDate, TagFromName.PerformedProcedureStepStartTime},
            {TagFromName.ContentDate, TagFromName.ContentTime}};

    private QueryResult execute(QueryRequest request) throws InvalidQueryException {
        QueryLevel level = request.level();
        List<QueryAttribute> returned = returnedAttributes(request);
        Set<AttributeTag> stored = storedAttributes(request);

        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < returned.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(returned.get(i).column());
        }
        if (!stored.isEmpty()) {
            sql.append(", ").append(pkColumn(level));
        }
        sql.append(" from study st join patient p on st.patient_fk = p.pk");
        if (level != QueryLevel.STUDY) sql.append(" join series se on se.study_fk = st.pk");
        if (level == QueryLevel.INSTANCE) sql.append(" join instance i on i.series_fk = se.pk");

        StringBuilder where = new StringBuilder(" where ");
        where.append(switch (level) {
            case STUDY -> "st.number_of_instances > 0";
            case SERIES -> "se.number_of_instances > 0";
            case INSTANCE -> "true";
        });
        List<Object> params = new ArrayList<>();
        MatchingSql matching = new MatchingSql(where, params, request.fuzzyMatching());
        if (request.studyInstanceUid() != null) {
            matching.add(QueryAttribute.of(TagFromName.StudyInstanceUID), "StudyInstanceUID", request.studyInstanceUid());
        }
        if (request.seriesInstanceUid() != null) {
            matching.add(QueryAttribute.of(TagFromName.SeriesInstanceUID), "SeriesInstanceUID", request.seriesInstanceUid());
        }
        // keys at or above the searched level match on the joined rows; keys of lower levels (a relational query:
        // studies having an SM series, series having an instance of a SOP class) match through one EXISTS, so that
        // all of them hold for the same series or instance
        Map<AttributeTag, String> here = new LinkedHashMap<>(), below = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>();
        QueryLevel lowest = level;
        for (Map.Entry<AttributeTag, String> key : request.matchingKeys().entrySet()) {
            QueryAttribute attribute = QueryAttribute.of(key.getKey());
            if (attribute == null) {
                // keys the index does not hold are accepted and not matched (PS3.18 10.6.1.3.1 allows this)
                if (!MatchingSql.isUniversal(key.getValue())) unmatched.add(keyword(key.getKey()));
            } else if (attribute.level().isAtOrAbove(level)) {
                here.put(key.getKey(), key.getValue());
            } else if (!MatchingSql.isUniversal(key.getValue())) {
                below.put(key.getKey(), key.getValue());
                if (lowest.isAtOrAbove(attribute.level())) lowest = attribute.level();
            }
        }
        addKeys(matching, here);
        if (!below.isEmpty()) {
            StringBuilder sub = new StringBuilder("true");
            addKeys(new MatchingSql(sub, params, request.fuzzyMatching()), below);
            String from = level == QueryLevel.SERIES ? "instance i where i.series_fk = se.pk"
                    : lowest == QueryLevel.SERIES ? "series se where se.study_fk = st.pk and se.number_of_instances > 0"
                    : "series se join instance i on i.series_fk = se.pk where se.study_fk = st.pk";
            where.append(" and exists (select 1 from ").append(from).append(" and ").append(sub).append(')');
        }
        sql.append(where);
        sql.append(switch (level) {
            case STUDY -> " order by st.pk";
            case SERIES -> " order by st.pk, se.series_number nulls last, se.pk";
            case INSTANCE -> " order by st.pk, se.pk, i.instance_number nulls last, i.pk";
        });
        sql.append(" limit ? offset ?");
        params.add(request.limit() + 1);
        params.add(Math.max(0, request.offset()));

        Query query = em.createNativeQuery(sql.toString());
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        @SuppressWarnings("unchecked")
        List<Object> rows = query.getResultList();
        boolean more = rows.size() > request.limit();
        int count = Math.min(rows.size(), request.limit());
        int columns = returned.size() + (stored.isEmpty() ? 0 : 1);
        List<AttributeList> matches = new ArrayList<>(count);
        List<Long> pks = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object row = rows.get(r);
            Object[] values = columns == 1 ? new Object[] {row} : (Object[]) row;
            matches.add(toAttributes(returned, values));
            if (!stored.isEmpty()) pks.add(((Number) values[returned.size()]).longValue());
        }
        List<JsonObject> extra = stored.isEmpty() ? Collections.nCopies(count, null) : storedValues(level, pks, stored);
        return new QueryResult(matches, extra, more, unmatched);
    }

    private static void addKeys(MatchingSql matching, Map<AttributeTag, String> keys) throws InvalidQueryException {
        Set<AttributeTag> done = new HashSet<>();
        for (AttributeTag[] pair : DATE_TIME_PAIRS) {
            String date = keys.get(pair[0]), time = keys.get(pair[1]);
            if (date != null && time != null && isRange(date) && isRange(time)) {
                matching.addDateTimeRange(QueryAttribute.of(pair[0]), keyword(pair[0]), date,
                        QueryAttribute.of(pair[1]), keyword(pair[1]), time);
                done.add(pair[0]);
                done.add(pair[1]);
            }
        }
        for (Map.Entry<AttributeTag, String> key : keys.entrySet()) {
            if (!done.contains(key.getKey())) {
                matching.add(QueryAttribute.of(key.getKey()), keyword(key.getKey()), key.getValue());
            }
        }
    }

    private static boolean isRange(String value) {
        return !MatchingSql.isUniversal(value) && value.contains("-");
    }

    private static String pkColumn(QueryLevel level) {
        return switch (level) {
            case STUDY -> "st.pk";
            case SERIES -> "se.pk";
            case INSTANCE -> "i.pk";
        };
    }

    private static List<QueryAttribute> returnedAttributes(QueryRequest request) {
        LinkedHashSet<QueryAttribute> out = new LinkedHashSet<>(QueryAttribute.defaults(request.returnFrom(), request.level()));
        // the UIDs of the enclosing levels always come along: clients need them to address what they found
        out.add(QueryAttribute.of(TagFromName.StudyInstanceUID));
        if (request.level() == QueryLevel.INSTANCE) out.add(QueryAttribute.of(TagFromName.SeriesInstanceUID));
        for (QueryAttribute a : QueryAttribute.all()) {
            if (a.inSequence() || !a.level().isAtOrAbove(request.level())) {
                continue;
            }
            // what a client names (includefield or key) comes back from any enclosing level; "all" stays within
            // the levels the search returns (a search inside a study does not repeat the study)
            boolean named = request.includeFields().contains(a.tag()) || request.matchingKeys().containsKey(a.tag());
            if (named || (request.includeAll() && request.returnFrom().isAtOrAbove(a.level()))) {
                out.add(a);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The includefield attributes the index does not hold but the stored metadata does. At instance level any
     * attribute; at study and series level only those the dictionary places at that level or above (taken from the
     * first instance of the study or series, where they are the same for every instance).
     */
    private static Set<AttributeTag> storedAttributes(QueryRequest request) {
        Set<AttributeTag> out = new LinkedHashSet<>();
        for (AttributeTag tag : request.includeFields()) {
            QueryAttribute indexed = QueryAttribute.of(tag);
            if ((indexed == null || indexed.inSequence()) && !tag.equals(Keywords.RETRIEVE_URL)
                    && tag.getGroup() != 0x0002 && storedAtLevel(tag, request.level())) {
                out.add(tag);
            }
        }
        return out;
    }

    static boolean storedAtLevel(AttributeTag tag, QueryLevel level) {
        if (level == QueryLevel.INSTANCE) {
            return true;
        }
        InformationEntity ie = AttributeList.getDictionary().getInformationEntityFromTag(tag);
        return ie == InformationEntity.PATIENT || ie == InformationEntity.STUDY
                || (ie == InformationEntity.SERIES && level == QueryLevel.SERIES);
    }

    /** One query for the page's stored metadata (of each instance, or of each study's or series' first instance). */
    private List<JsonObject> storedValues(QueryLevel level, List<Long> pks, Set<AttributeTag> tags) {
        if (pks.isEmpty()) {
            return List.of();
        }
        String in = String.join(",", Collections.nCopies(pks.size(), "?"));
        String sql = switch (level) {
            case INSTANCE -> "select m.instance_fk, m.json_gz from instance_metadata m where m.instance_fk in (" + in + ")";
            case SERIES -> "select f.series_fk, m.json_gz from (select distinct on (i.series_fk) i.series_fk, i.pk"
                    + " from instance i where i.series_fk in (" + in + ")"
                    + " order by i.series_fk, i.instance_number nulls last, i.pk) f"
                    + " join instance_metadata m on m.instance_fk = f.pk";
            case STUDY -> "select f.study_fk, m.json_gz from (select distinct on (se.study_fk) se.study_fk, i.pk"
                    + " from series se join instance i on i.series_fk = se.pk where se.study_fk in (" + in + ")"
                    + " order by se.study_fk, se.series_number nulls last, se.pk, i.instance_number nulls last, i.pk) f"
                    + " join instance_metadata m on m.instance_fk = f.pk";
        };
        Query query = em.createNativeQuery(sql);
        for (int i = 0; i < pks.size(); i++) {
            query.setParameter(i + 1, pks.get(i));
        }
        TreeSet<String> keys = new TreeSet<>();
        for (AttributeTag t : tags) keys.add(String.format("%04X%04X", t.getGroup(), t.getElement()));
        Map<Long, JsonObject> byPk = new HashMap<>();
        for (Object row : query.getResultList()) {
            Object[] r = (Object[]) row;
            byPk.put(((Number) r[0]).longValue(), StoredAttributes.pick((byte[]) r[1], keys));
        }
        List<JsonObject> out = new ArrayList<>(pks.size());
        for (Long pk : pks) out.add(byPk.get(pk));
        return out;
    }

    private static AttributeList toAttributes(List<QueryAttribute> returned, Object[] values) {
        AttributeList list = new AttributeList();
        for (int i = 0; i < returned.size(); i++) {
            AttributeTag tag = returned.get(i).tag();
            try {
                Attribute a = AttributeFactory.newAttribute(tag, Keywords.vr(tag));
                Object v = values[i];
                if (v != null && !v.toString().isEmpty()) {
                    for (String s : v.toString().split("\\\\", -1)) {
                        a.addValue(s);
                    }
                }
                list.put(a);
            } catch (DicomException e) {
                throw new IllegalStateException("cannot return " + tag, e);
            }
        }
        return list;
    }

    static String keyword(AttributeTag tag) {
        return Keywords.keyword(tag);
    }

    private static String describe(QueryRequest r) {
        StringBuilder sb = new StringBuilder(r.level().name());
        r.matchingKeys().forEach((k, v) -> sb.append(' ').append(keyword(k)).append('=').append(v));
        return sb.toString();
    }
}
