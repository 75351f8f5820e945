package org.wsiarchive.core.retrieve;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A concurrent map that stays below a bound by dropping arbitrary entries (about a quarter) when it grows past it:
 * no lock on reads, unlike an access-ordered LinkedHashMap, which every frame request would otherwise contend for.
 */
final class BoundedCache<K, V> {

    private final int max;
    private final ConcurrentHashMap<K, V> map;
    /** loads under way: the threads asking for the same missing key wait for the first one's result */
    private final ConcurrentHashMap<K, CompletableFuture<V>> loading = new ConcurrentHashMap<>();

    BoundedCache(int max) {
        this.max = max;
        this.map = new ConcurrentHashMap<>(Math.min(max, 1024));
    }

    V get(K key) {
        return map.get(key);
    }

    /**
     * The value of {@code key}, loaded once however many threads miss it at the same time: a viewer opening a slide
     * asks for dozens of its tiles at once, which would otherwise be dozens of identical database round trips (and
     * frame index decodings) queued on a connection pool. A null result is returned to every waiter, not cached.
     */
    V getOrLoad(K key, Function<K, V> load) {
        V value = map.get(key);
        if (value != null) {
            return value;
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = loading.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw e;
            }
        }
        try {
            V loaded = map.get(key); // loaded by a thread that finished between our miss and our claim
            if (loaded == null) {
                loaded = load.apply(key);
            }
            if (loaded != null) {
                put(key, loaded);
            }
            mine.complete(loaded);
            return loaded;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key, mine);
        }
    }

    void put(K key, V value) {
        map.put(key, value);
        if (map.size() > max) {
            int drop = Math.max(1, max / 4);
            Iterator<K> it = map.keySet().iterator();
            while (drop-- > 0 && it.hasNext()) {
                K k = it.next();
                if (!k.equals(key)) it.remove();
            }
        }
    }

    V remove(K key) {
        return map.remove(key);
    }

    int size() {
        return map.size();
    }
}
