package org.wsiarchive.core.retrieve;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class BoundedCacheTest {

    @Test
    void threadsMissingTheSameKeyTogetherLoadItOnce() throws Exception {
        BoundedCache<String, String> cache = new BoundedCache<>(100);
        AtomicInteger loads = new AtomicInteger();
        int threads = 16;
        CountDownLatch allAsking = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    allAsking.countDown();
                    return cache.getOrLoad("instance", k -> {
                        loads.incrementAndGet();
                        try {
                            release.await(); // hold the load until every thread has asked
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return "index of " + k;
                    });
                }));
            }
            assertTrue(allAsking.await(10, TimeUnit.SECONDS));
            Thread.sleep(100); // let the askers reach the cache (a late one finds the value cached: still one load)
            release.countDown();
            for (Future<String> f : results) assertEquals("index of instance", f.get(10, TimeUnit.SECONDS));
            assertEquals(1, loads.get());
            assertEquals("index of instance", cache.get("instance"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failuresAndAbsentValuesAreNotCached() {
        BoundedCache<String, String> cache = new BoundedCache<>(100);
        AtomicInteger loads = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> cache.getOrLoad("k", k -> {
            loads.incrementAndGet();
            throw new IllegalStateException("database down");
        }));
        assertNull(cache.getOrLoad("k", k -> {
            loads.incrementAndGet();
            return null;
        }));
        assertEquals("v", cache.getOrLoad("k", k -> {
            loads.incrementAndGet();
            return "v";
        }));
        assertEquals("v", cache.getOrLoad("k", k -> {
            throw new AssertionError("cached: not loaded again");
        }));
        assertEquals(3, loads.get());
    }
}
