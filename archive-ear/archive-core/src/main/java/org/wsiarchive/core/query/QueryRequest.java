package org.wsiarchive.core.query;

import com.pixelmed.dicom.AttributeTag;

import java.util.Map;
import java.util.Set;

/**
 * A protocol-neutral search: the level, the parent UIDs a request path fixes, the matching keys (values in DICOM
 * query syntax: wildcards, ranges, lists) and what to return.
 *
 * @param returnFrom       the highest level whose attributes the results carry (a search scoped to one study
 *                         need not repeat the study's attributes)
 * @param matchingKeys     tag to key value; an empty value is universal matching (return only)
 * @param includeFields    extra attributes to return
 * @param includeAll       return every attribute the index holds at the returned levels
 */
public record QueryRequest(QueryLevel level, QueryLevel returnFrom, String studyInstanceUid,
                           String seriesInstanceUid, Map<AttributeTag, String> matchingKeys,
                           Set<AttributeTag> includeFields, boolean includeAll, boolean fuzzyMatching,
                           int limit, int offset) {}
