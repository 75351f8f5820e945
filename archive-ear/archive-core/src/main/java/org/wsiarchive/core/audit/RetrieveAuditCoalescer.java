package org.wsiarchive.core.audit;

import org.wsiarchive.core.entity.AuditEvent;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Successful retrieves, coalesced: one audit event per requester (protocol, user, host), study, kind of retrieve
 * (the first word of the detail: frames, metadata, instances, ...) and time window (a minute by default). The event
 * keeps who, from where, the outcome, every object UID retrieved, when (time of the first request; the detail gives
 * the number of requests and the time of the last) and the distinct request details as far as they fit. A viewer
 * asking for thousands of tiles then costs one row per minute instead of one insert and commit per tile.
 * Thread-safe; {@link #drain} hands over the windows to write.
 */
final class RetrieveAuditCoalescer {

    private static final int MAX_DETAIL = 4000;

    record Key(String protocol, String userId, String remoteHost, String study, String kind, long window) {}

    static final class Bucket {
        final Key key;
        final long firstMillis;
        long lastMillis;
        long requests;
        final Set<String> uids = new LinkedHashSet<>();
        final StringBuilder details = new StringBuilder();
        final Set<String> seenDetails = new HashSet<>();
        long detailsLeftOut;
        boolean closed;

        Bucket(Key key, long now) {
            this.key = key;
            this.firstMillis = now;
            this.lastMillis = now;
        }

        void add(long now, Collection<String> objectUids, String detail) {
            requests++;
            lastMillis = Math.max(lastMillis, now);
            if (objectUids != null) uids.addAll(objectUids);
            if (detail != null && !seenDetails.contains(detail)) {
                if (details.length() + detail.length() + 2 <= MAX_DETAIL - 200) {
                    seenDetails.add(detail);
                    if (!details.isEmpty()) details.append("; ");
                    details.append(detail);
                } else {
                    detailsLeftOut++;
                }
            }
        }

        AuditEvent toEvent() {
            String detail = key.kind() + ": " + requests + (requests == 1 ? " request" : " requests")
                    + (requests > 1 ? " from " + Instant.ofEpochMilli(firstMillis) + " to " + Instant.ofEpochMilli(lastMillis) : "")
                    + (details.isEmpty() ? "" : " (" + details + (detailsLeftOut > 0 ? "; and " + detailsLeftOut + " more" : "") + ")");
            return new AuditEvent(OffsetDateTime.ofInstant(Instant.ofEpochMilli(firstMillis), ZoneOffset.UTC),
                    AuditAction.RETRIEVE.name(), AuditService.Outcome.SUCCESS.name(), key.protocol(), key.userId(),
                    key.remoteHost(), key.study(), uids.isEmpty() ? null : String.join(",", uids), detail);
        }
    }

    private final long windowMillis;
    private final ConcurrentHashMap<Key, Bucket> open = new ConcurrentHashMap<>();

    RetrieveAuditCoalescer(long windowMillis) {
        this.windowMillis = Math.max(1, windowMillis);
    }

    void add(long now, Requester who, String study, Collection<String> uids, String detail) {
        String kind = kind(detail);
        Key key = new Key(who.protocol(), who.userId(), who.remoteHost(), study, kind, now / windowMillis);
        while (true) {
            Bucket b = open.computeIfAbsent(key, k -> new Bucket(k, now));
            synchronized (b) {
                if (!b.closed) {
                    b.add(now, uids, detail);
                    return;
                }
            }
            open.remove(key, b); // closed by a drain that has not removed it yet: start a new one
        }
    }

    /** The first word of a detail ("frames 1,2" -> "frames"), without a regular expression: this is per request. */
    static String kind(String detail) {
        if (detail == null) return "retrieve";
        int start = 0, n = detail.length();
        while (start < n && Character.isWhitespace(detail.charAt(start))) start++;
        int end = start;
        while (end < n && !Character.isWhitespace(detail.charAt(end))) end++;
        return end > start ? detail.substring(start, end) : "retrieve";
    }

    /** The windows that ended before {@code now} (all of them when {@code all}), removed from the buffer. */
    List<AuditEvent> drain(long now, boolean all) {
        long current = now / windowMillis;
        List<AuditEvent> out = new ArrayList<>();
        for (Bucket b : open.values()) {
            if (!all && b.key.window() >= current) continue;
            synchronized (b) {
                if (b.closed) continue;
                b.closed = true;
                out.add(b.toEvent());
            }
            open.remove(b.key, b);
        }
        out.sort(Comparator.comparing(AuditEvent::getEventTime));
        return out;
    }

    int pending() {
        return open.size();
    }
}
