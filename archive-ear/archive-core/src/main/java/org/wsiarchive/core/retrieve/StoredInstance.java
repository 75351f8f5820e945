package org.wsiarchive.core.retrieve;

/** Where a stored instance is and what it is: all a retrieve needs, without touching the file. */
public record StoredInstance(long pk, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                             String sopClassUid, String transferSyntaxUid, String storagePath, long fileSize,
                             String sha256, Integer numberOfFrames) {}
