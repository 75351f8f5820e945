package org.wsiarchive.core.query;

import com.pixelmed.dicom.AttributeList;
import jakarta.json.JsonObject;

import java.util.List;

/**
 * Matches in index order; {@code moreAvailable} when the limit cut the result.
 *
 * @param storedAttributes per match (same positions), the asked-for attributes the index does not hold, taken from
 *                         the stored DICOM JSON (BulkDataURIs still carry {@code MetadataJson.BASE_PLACEHOLDER}),
 *                         or null when there are none
 * @param unmatchedKeys    keywords of keys that were accepted but not matched (the index does not hold them)
 */
public record QueryResult(List<AttributeList> matches, List<JsonObject> storedAttributes, boolean moreAvailable,
                          List<String> unmatchedKeys) {

    public QueryResult(List<AttributeList> matches, boolean moreAvailable) {
        this(matches, java.util.Collections.nCopies(matches.size(), null), moreAvailable, List.of());
    }
}
