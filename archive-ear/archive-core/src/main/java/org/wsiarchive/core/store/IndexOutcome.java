package org.wsiarchive.core.store;

/** What the index transaction did with a received instance. */
public record IndexOutcome(Kind kind, String replacedStoragePath) {
    public enum Kind {
        /** a new instance, now visible */
        STORED,
        /** the same SOP Instance UID with identical bytes was already stored: nothing changed */
        ALREADY_STORED,
        /** the same SOP Instance UID with different bytes is stored and overwriting is not allowed */
        CONFLICT,
        /** the same SOP Instance UID with different bytes was replaced (overwrite configured) */
        REPLACED
    }

    static IndexOutcome of(Kind kind) {
        return new IndexOutcome(kind, null);
    }
}
