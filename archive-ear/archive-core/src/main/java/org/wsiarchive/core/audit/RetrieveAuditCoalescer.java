package org.wsiarchive.core.audit;

import org.wsiarchive.core.entity.AuditEvent;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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

    /**
     * One window of one key. Requests add under the read lock (shared: a request preempted while adding does not
     * hold up the others), the drain closes it under the write lock, after which adds go to a new bucket.
     */
    static final class Bucket {
        final Key key;
        final long firstMillis;
        final LongAccumulator lastMillis = new LongAccumulator(Math::max, Long.MIN_VALUE);
        final LongAdder requests = new LongAdder();
        final Set<String> uids = ConcurrentHashMap.newKeySet();
        final Set<String> details = ConcurrentHashMap.newKeySet();
        final AtomicInteger detailChars = new AtomicInteger();
        final LongAdder detailsLeftOut = new LongAdder();
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        boolean closed; // guarded by lock

        Bucket(Key key, long now) {
            this.key = key;
            this.firstMillis = now;
        }

        /** false when the bucket was closed (drained) meanwhile */
        boolean add(long now, Collection<String> objectUids, String detail) {
            if (!lock.readLock().tryLock()) return false; // only the drain takes the write lock
            try {
                if (closed) return false;
                requests.increment();
                lastMillis.accumulate(now);
                if (objectUids != null) uids.addAll(objectUids);
                if (detail != null && !details.contains(detail)) {
                    if (detailChars.addAndGet(detail.length() + 2) <= MAX_DETAIL - 200) {
                        details.add(detail);
                    } else {
                        detailChars.addAndGet(-detail.length() - 2);
                        detailsLeftOut.increment();
                    }
                }
                return true;
            } finally {
                lock.readLock().unlock();
            }
        }

        /** Closes the bucket; null when it was closed already. */
        AuditEvent close() {
            lock.writeLock().lock();
            try {
                if (closed) return null;
                closed = true;
            } finally {
                lock.writeLock().unlock();
            }
            return toEvent();
        }

        AuditEvent toEvent() {
            long n = requests.sum();
            long last = Math.max(firstMillis, lastMillis.get());
            long leftOut = detailsLeftOut.sum();
            List<String> sorted = new ArrayList<>(details);
            Collections.sort(sorted);
            String joined = String.join("; ", sorted);
            String detail = key.kind() + ": " + n + (n == 1 ? " request" : " requests")
                    + (n > 1 ? " from " + Instant.ofEpochMilli(firstMillis) + " to " + Instant.ofEpochMilli(last) : "")
                    + (joined.isEmpty() ? "" : " (" + joined + (leftOut > 0 ? "; and " + leftOut + " more" : "") + ")");
            return new AuditEvent(OffsetDateTime.ofInstant(Instant.ofEpochMilli(firstMillis), ZoneOffset.UTC),
                    AuditAction.RETRIEVE.name(), AuditService.Outcome.SUCCESS.name(), key.protocol(), key.userId(),
                    key.remoteHost(), key.study(), uids.isEmpty() ? null : String.join(",", new TreeSet<>(uids)), detail);
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
            if (b.add(now, uids, detail)) {
                return;
            }
            open.remove(key, b); // closed by a drain that has not removed it yet: start a new one
            Thread.onSpinWait();
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
            AuditEvent event = b.close();
            open.remove(b.key, b);
            if (event != null) out.add(event);
        }
        out.sort(Comparator.comparing(AuditEvent::getEventTime));
        return out;
    }

    int pending() {
        return open.size();
    }
}
