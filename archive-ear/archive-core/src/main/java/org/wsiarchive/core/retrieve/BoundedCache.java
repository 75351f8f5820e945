package org.wsiarchive.core.retrieve;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map that stays below a bound by dropping arbitrary entries (about a quarter) when it grows past it:
 * no lock on reads, unlike an access-ordered LinkedHashMap, which every frame request would otherwise contend for.
 */
final class BoundedCache<K, V> {

    private final int max;
    private final ConcurrentHashMap<K, V> map;

    BoundedCache(int max) {
        this.max = max;
        this.map = new ConcurrentHashMap<>(Math.min(max, 1024));
    }

    V get(K key) {
        return map.get(key);
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
