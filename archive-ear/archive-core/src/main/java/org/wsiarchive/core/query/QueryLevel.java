package org.wsiarchive.core.query;

/** The information-model level a search returns. */
public enum QueryLevel {
    STUDY, SERIES, INSTANCE;

    public boolean isAtOrAbove(QueryLevel other) {
        return ordinal() <= other.ordinal();
    }
}
