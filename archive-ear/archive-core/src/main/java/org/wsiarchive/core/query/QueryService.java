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

    private QueryResult execute(QueryRequest request) throws InvalidQueryException {
        QueryLevel level = request.level();
        List<QueryAttribute> returned = returnedAttributes(request);

        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < returned.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(returned.get(i).column());
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
        MatchingSql matching = new MatchingSql(where, params);
        if (request.studyInstanceUid() != null) {
            matching.add(QueryAttribute.of(TagFromName.StudyInstanceUID), "StudyInstanceUID", request.studyInstanceUid());
        }
        if (request.seriesInstanceUid() != null) {
            matching.add(QueryAttribute.of(TagFromName.SeriesInstanceUID), "SeriesInstanceUID", request.seriesInstanceUid());
        }
        for (Map.Entry<AttributeTag, String> key : request.matchingKeys().entrySet()) {
            QueryAttribute attribute = QueryAttribute.of(key.getKey());
            // keys the index does not hold, or below the searched level, are not matched (PS3.18 allows this)
            if (attribute != null && attribute.level().isAtOrAbove(level)) {
                matching.add(attribute, keyword(key.getKey()), key.getValue());
            }
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
        List<AttributeList> matches = new ArrayList<>(Math.min(rows.size(), request.limit()));
        for (int r = 0; r < rows.size() && r < request.limit(); r++) {
            Object row = rows.get(r);
            Object[] values = returned.size() == 1 ? new Object[] {row} : (Object[]) row;
            matches.add(toAttributes(returned, values));
        }
        return new QueryResult(matches, more);
    }

    private static List<QueryAttribute> returnedAttributes(QueryRequest request) {
        LinkedHashSet<QueryAttribute> out = new LinkedHashSet<>(QueryAttribute.defaults(request.returnFrom(), request.level()));
        // the UIDs of the enclosing levels always come along: clients need them to address what they found
        out.add(QueryAttribute.of(TagFromName.StudyInstanceUID));
        if (request.level() == QueryLevel.INSTANCE) out.add(QueryAttribute.of(TagFromName.SeriesInstanceUID));
        for (QueryAttribute a : QueryAttribute.all()) {
            boolean inReach = request.returnFrom().isAtOrAbove(a.level()) && a.level().isAtOrAbove(request.level());
            boolean asked = request.includeAll() || request.includeFields().contains(a.tag())
                    || request.matchingKeys().containsKey(a.tag());
            if (inReach && asked && a.matching() != QueryAttribute.Matching.SPECIMEN) {
                out.add(a);
            }
        }
        return new ArrayList<>(out);
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
