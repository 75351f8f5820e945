package org.wsiarchive.core.query;

import com.pixelmed.dicom.AttributeList;

import java.util.List;

/** Matches in index order; {@code moreAvailable} when the limit cut the result. */
public record QueryResult(List<AttributeList> matches, boolean moreAvailable) {}
