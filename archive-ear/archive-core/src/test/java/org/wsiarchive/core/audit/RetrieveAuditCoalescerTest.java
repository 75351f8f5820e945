package org.wsiarchive.core.audit;

import org.junit.jupiter.api.Test;
import org.wsiarchive.core.entity.AuditEvent;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.*;

class RetrieveAuditCoalescerTest {

    private static final Requester ALICE = new Requester(Requester.DICOMWEB, "alice", "10.0.0.1");
    private static final Requester BOB = new Requester(Requester.DICOMWEB, "bob", "10.0.0.2");

    @Test
    void oneEventPerRequesterStudyKindAndWindow() {
        RetrieveAuditCoalescer c = new RetrieveAuditCoalescer(60_000);
        long t = 1_700_000_000_000L - 1_700_000_000_000L % 60_000; // start of a minute
        c.add(t + 1, ALICE, "1.2.3", List.of("1.2.3.4"), "frames 1");
        c.add(t + 2, ALICE, "1.2.3", List.of("1.2.3.4"), "frames 2");
        c.add(t + 3, ALICE, "1.2.3", List.of("1.2.3.5"), "frames 1");
        c.add(t + 4, ALICE, "1.2.3", List.of("1.2.3.4"), "metadata");
        c.add(t + 5, BOB, "1.2.3", List.of("1.2.3.4"), "frames 7");
        c.add(t + 60_001, ALICE, "1.2.3", List.of("1.2.3.4"), "frames 3"); // next minute

        assertTrue(c.drain(t + 59_999, false).isEmpty(), "the minute is not over");
        List<AuditEvent> first = c.drain(t + 60_002, false);
        assertEquals(3, first.size());
        AuditEvent frames = first.stream().filter(e -> e.getUserId().equals("alice") && e.getDetail().startsWith("frames"))
                .findFirst().orElseThrow();
        assertEquals("RETRIEVE", frames.getAction());
        assertEquals("SUCCESS", frames.getOutcome());
        assertEquals("10.0.0.1", frames.getRemoteHost());
        assertEquals("1.2.3", frames.getStudyInstanceUid());
        assertEquals("1.2.3.4,1.2.3.5", frames.getObjectUids());
        assertTrue(frames.getDetail().startsWith("frames: 3 requests from "), frames.getDetail());
        assertTrue(frames.getDetail().contains("frames 1; frames 2"), frames.getDetail());
        assertEquals(t + 1, frames.getEventTime().toInstant().toEpochMilli());

        List<AuditEvent> rest = c.drain(t + 60_002, true);
        assertEquals(1, rest.size());
        assertEquals("frames: 1 request (frames 3)", rest.get(0).getDetail());
        assertEquals(0, c.pending());
    }

    @Test
    void noRequestIsLostWhileDraining() throws Exception {
        RetrieveAuditCoalescer c = new RetrieveAuditCoalescer(1); // a window per millisecond: constant draining
        ExecutorService pool = Executors.newFixedThreadPool(4);
        LongAdder counted = new LongAdder();
        int perThread = 20_000;
        for (int k = 0; k < 4; k++) {
            pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    c.add(System.currentTimeMillis(), ALICE, "1.2.3", List.of("1.2.3.4"), "frames " + i);
                }
            });
        }
        pool.shutdown();
        while (!pool.awaitTermination(1, TimeUnit.MILLISECONDS)) {
            for (AuditEvent e : c.drain(System.currentTimeMillis(), false)) counted.add(requests(e));
        }
        for (AuditEvent e : c.drain(System.currentTimeMillis(), true)) counted.add(requests(e));
        assertEquals(4L * perThread, counted.sum());
    }

    @Test
    void detailsStayBounded() {
        RetrieveAuditCoalescer c = new RetrieveAuditCoalescer(60_000);
        for (int i = 0; i < 5000; i++) c.add(1000, ALICE, "1.2.3", List.of("1.2.3.4"), "frames " + i);
        AuditEvent e = c.drain(1000, true).get(0);
        assertTrue(e.getDetail().length() <= 4000, "detail length " + e.getDetail().length());
        assertTrue(e.getDetail().contains("more)"), e.getDetail());
        assertEquals(5000, requests(e));
    }

    @Test
    void kindIsTheFirstWord() {
        assertEquals("frames", RetrieveAuditCoalescer.kind("  frames 1,2,3"));
        assertEquals("metadata", RetrieveAuditCoalescer.kind("metadata"));
        assertEquals("retrieve", RetrieveAuditCoalescer.kind(" "));
        assertEquals("retrieve", RetrieveAuditCoalescer.kind(null));
    }

    private static long requests(AuditEvent e) {
        String d = e.getDetail();
        int colon = d.indexOf(": ");
        return Long.parseLong(d.substring(colon + 2, d.indexOf(' ', colon + 2)));
    }
}
