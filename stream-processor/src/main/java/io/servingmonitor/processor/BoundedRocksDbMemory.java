package io.servingmonitor.processor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB state store of the process: all stores share one LRU
 * block cache of {@link #TOTAL_BYTES_CONFIG} bytes, their memtables are charged to that same cache
 * through one {@link WriteBufferManager}, and index and filter blocks live in the cache too
 * (instead of growing with the data outside any limit). Without it each store (there is one per
 * store, partition and window segment) takes its own cache and memtables, so memory grows with
 * partitions and retention.
 *
 * <p>Kafka Streams makes one setter per store; the cache and the write-buffer manager are made
 * once per process (per total, so tests with different totals do not share) and never closed:
 * they must outlive every store, and a store's {@link #close} must not close what other stores
 * still use. The bound is what RocksDB can hold to (the cache is not strict, so a burst of
 * pinned blocks may pass it briefly rather than fail a read).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The configuration key of the total in bytes (a {@link Long}); set by {@link StreamsSettings}. */
    public static final String TOTAL_BYTES_CONFIG = "serving.monitor.rocksdb.memory.bytes";
    /** Share of the total the memtables may take, the rest being data, index and filter blocks. */
    static final double WRITE_BUFFER_SHARE = 0.25;
    /** Share of the cache kept for index and filter blocks, so data blocks do not evict them. */
    static final double INDEX_AND_FILTER_SHARE = 0.1;
    /** Memtable size of one store before it is flushed, and how many a store may hold. */
    static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;
    static final int WRITE_BUFFERS_PER_STORE = 3;
    /** Larger than RocksDB's 4 KiB default: fewer index entries per store for the same data. */
    static final long BLOCK_BYTES = 16L * 1024;

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    /** The cache and write-buffer manager every store of a total uses. */
    record Shared(Cache cache, WriteBufferManager writeBufferManager) {
    }

    /** The shared objects for {@code totalBytes}, made on first use. */
    static Shared shared(long totalBytes) {
        return SHARED.computeIfAbsent(totalBytes, total -> {
            Cache cache = new LRUCache(total, -1, false, INDEX_AND_FILTER_SHARE);
            return new Shared(cache, new WriteBufferManager((long) (total * WRITE_BUFFER_SHARE), cache));
        });
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(totalBytes(configs));
        // Modify the table config Streams made, keeping its other settings (bloom filter, format).
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_BYTES);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBufferManager());
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(WRITE_BUFFERS_PER_STORE);
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing of our own per store: the cache and write-buffer manager are shared by all stores.
    }

    static long totalBytes(Map<String, ?> configs) {
        Object value = configs.get(TOTAL_BYTES_CONFIG);
        long total = value instanceof Number number ? number.longValue() : -1;
        if (total <= 0) {
            throw new IllegalStateException(BoundedRocksDbMemory.class.getSimpleName() + " needs a positive byte count under '"
                    + TOTAL_BYTES_CONFIG + "' in the Streams configuration, not " + value);
        }
        return total;
    }
}
