package io.servingmonitor.processor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * An output topic of the {@link TopologyFixture} that also remembers the latest value per key of
 * everything read from it (as a compacted topic's reader sees it), see {@link #latest}.
 */
public final class RecordedOutput<K, V> {

    private final TestOutputTopic<K, V> topic;
    private final Map<K, V> latest = new HashMap<>();

    RecordedOutput(TestOutputTopic<K, V> topic) {
        this.topic = topic;
    }

    public List<TestRecord<K, V>> readRecordsToList() {
        List<TestRecord<K, V>> records = topic.readRecordsToList();
        records.forEach(r -> remember(r.key(), r.value()));
        return records;
    }

    public List<KeyValue<K, V>> readKeyValuesToList() {
        return readRecordsToList().stream().map(r -> KeyValue.pair(r.key(), r.value())).toList();
    }

    public Map<K, V> readKeyValuesToMap() {
        Map<K, V> map = new HashMap<>();
        readRecordsToList().forEach(r -> map.put(r.key(), r.value()));
        return map;
    }

    public List<V> readValuesToList() {
        return readRecordsToList().stream().map(TestRecord::value).toList();
    }

    public boolean isEmpty() {
        return topic.isEmpty();
    }

    /** The latest value published under {@code key} (null after a tombstone), reading what is left first. */
    public V latest(K key) {
        readRecordsToList();
        return latest.get(key);
    }

    private void remember(K key, V value) {
        if (value == null) {
            latest.remove(key);
        } else {
            latest.put(key, value);
        }
    }
}
