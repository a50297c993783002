package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/** The RocksDB config setter on real RocksDB options and a real database. */
class BoundedRocksDbMemoryTest {

    static {
        RocksDB.loadLibrary();
    }

    @TempDir
    Path dir;

    @Test
    void everyStoreGetsTheSharedWriteBufferManagerAndCachedIndexAndFilterBlocks() {
        long total = 40L * 1024 * 1024 + 1;
        try (Options first = streamsLikeOptions(); Options second = streamsLikeOptions()) {
            new BoundedRocksDbMemory().setConfig("store-a", first, config(total));
            new BoundedRocksDbMemory().setConfig("store-b", second, config(total));

            BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(total);
            assertThat(first.writeBufferManager()).isSameAs(shared.writeBufferManager());
            assertThat(second.writeBufferManager()).isSameAs(shared.writeBufferManager());
            BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
            assertThat(table.blockSize()).isEqualTo(BoundedRocksDbMemory.BLOCK_BYTES);
            assertThat(first.writeBufferSize()).isEqualTo(BoundedRocksDbMemory.WRITE_BUFFER_BYTES);
            assertThat(first.maxWriteBufferNumber()).isEqualTo(BoundedRocksDbMemory.WRITE_BUFFERS_PER_STORE);
        }
    }

    @Test
    void writesToAStoreAreChargedToTheSharedCacheAndStayUnderItsTotal() throws Exception {
        long total = 24L * 1024 * 1024 + 3;
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(total);
        long before = shared.cache().getUsage();
        try (Options options = streamsLikeOptions().setCreateIfMissing(true)) {
            new BoundedRocksDbMemory().setConfig("store", options, config(total));
            try (RocksDB db = RocksDB.open(options, dir.toString()); WriteOptions write = new WriteOptions()) {
                byte[] value = new byte[1024];
                for (int i = 0; i < 4096; i++) {
                    db.put(write, ("key-" + i).getBytes(), value);
                }

                assertThat(shared.cache().getUsage()).as("memtable memory charged to the block cache")
                        .isGreaterThan(before).isLessThanOrEqualTo(total);
            }
        }
    }

    @Test
    void missingTotalIsAnError() {
        try (Options options = streamsLikeOptions()) {
            assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("store", options, Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG);
        }
    }

    /** Streams hands the setter options that already carry a block-based table config. */
    private static Options streamsLikeOptions() {
        Options options = new Options();
        options.setTableFormatConfig(new BlockBasedTableConfig());
        return options;
    }

    private static Map<String, Object> config(long total) {
        return Map.of(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, total);
    }
}
