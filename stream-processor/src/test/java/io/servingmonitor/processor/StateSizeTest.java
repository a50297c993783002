package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.Serdes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the metric window stores keep per container, the basis of the README's sizing (section
 * "What one query node holds"): a container reporting every 30 s keeps one record per report in
 * the 10 s store and one per 5 minutes in the 5 min store, each of a bounded size (key and value
 * bytes as stored, plus the window store's 12 bytes of window start and sequence number). The
 * sizes are printed; the bounds fail a change that makes them grow.
 */
class StateSizeTest {

    private static final int CONTAINERS = 10;
    private static final int REPORTS = 120;
    private static final int REPORT_EVERY_SEC = 30;
    /** What a window store adds to each serialized key: window start (8 bytes) and sequence number (4). */
    private static final int WINDOW_KEY_SUFFIX = 12;

    @TempDir
    Path stateDir;

    @Test
    void aContainerReportingEvery30sKeepsOneBoundedRecordPerReportAt10sAndOnePer5Minutes() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            for (int c = 0; c < CONTAINERS; c++) {
                fixture.send(Events.register(id(c), url(c), Events.T0, 600));
            }
            for (int r = 0; r < REPORTS; r++) {
                // one second into the window, so each report has a 10 s window of its own
                Instant at = Events.T0.plusSeconds((long) REPORT_EVERY_SEC * r + 1);
                for (int c = 0; c < CONTAINERS; c++) {
                    fixture.send(Events.report(id(c), url(c), at, fullReport(r)));
                }
            }
            long hourOfReports = (long) REPORTS * REPORT_EVERY_SEC;
            for (MetricResolution resolution : ProcessorConfig.defaults().resolutions()) {
                long[] recordsAndBytes = recordsAndBytes(fixture, resolution);
                long perRecord = recordsAndBytes[1] / recordsAndBytes[0];
                System.out.printf("%s: %d records, %d bytes (key and value), %d per record%n",
                        resolution.storeName(), recordsAndBytes[0], recordsAndBytes[1], perRecord);

                long windowsPerContainer = resolution.windowSeconds() <= REPORT_EVERY_SEC
                        ? REPORTS : hourOfReports / resolution.windowSeconds();
                assertThat(recordsAndBytes[0]).as(resolution.storeName() + " records")
                        .isEqualTo(CONTAINERS * windowsPerContainer);
                // 15 metrics of 21 bytes at most (code, count, sum, max) + 2, and a key of company, url and id
                assertThat(perRecord).as(resolution.storeName() + " bytes per record").isBetween(200L, 500L);
            }
        }
    }

    private static long[] recordsAndBytes(TopologyFixture fixture, MetricResolution resolution) {
        long records = 0;
        long bytes = 0;
        try (KeyValueIterator<Windowed<EndpointContainerKey>, ContainerSample> it = fixture.metrics(resolution).all()) {
            while (it.hasNext()) {
                KeyValue<Windowed<EndpointContainerKey>, ContainerSample> kv = it.next();
                records++;
                bytes += Serdes.endpointContainerKey().serializer().serialize("", kv.key.key()).length + WINDOW_KEY_SUFFIX
                        + Serdes.containerSample().serializer().serialize("", kv.value).length;
            }
        }
        return new long[] {records, bytes};
    }

    /** A report with every metric, as the ClearML SDK sends it from a 16-CPU, 2-GPU machine. */
    private static LoadReport fullReport(int r) {
        MachineStats stats = new MachineStats(Collections.nCopies(16, 37.5), List.of(55.0, 60.0), 2048.0 + r, 6144.0,
                List.of(3072.0, 3072.0), List.of(1024.0, 1024.0), 1.5, 0.4, 100.0, 100.0, 1.0, 1.0,
                List.of(70.0, 71.0), List.of(65.0, 66.0));
        return new LoadReport(60L + (long) REPORT_EVERY_SEC * r, 1000L + r, 42.5, 17L, stats);
    }

    /** 32 hex characters, as long as a ClearML container id. */
    private static String id(int c) {
        return String.format("%032x", 0x5eed0000L + c);
    }

    /** 45 characters, 10 urls. */
    private static String url(int c) {
        return "https://models.example.com/serve/endpoint-" + (c % 10);
    }
}
