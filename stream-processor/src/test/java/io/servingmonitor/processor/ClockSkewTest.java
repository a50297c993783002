package io.servingmonitor.processor;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.endpoint;
import static io.servingmonitor.processor.Events.key;
import static io.servingmonitor.processor.Events.ms;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static io.servingmonitor.processor.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.MetricType;
import io.servingmonitor.topics.WindowAggregate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event time is trusted only within the allowed clock skew of the broker's append time (the
 * record timestamp): an ingest host whose clock is hours ahead does not move stream time, so the
 * honest reports after it still update the registry and count in their windows.
 */
class ClockSkewTest {

    private static final MetricResolution TEN_SECONDS = ProcessorConfig.defaults().resolutions().get(0);
    private static final Duration HOURS_AHEAD = Duration.ofHours(5);

    @TempDir
    Path stateDir;

    @Test
    void reportStampedHoursAheadDoesNotMakeLaterHonestReportsStaleOrLate() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(register("c1", URL_A, at(0)));
            fixture.sendAppendedAt(at(1), report("c1", URL_A, at(1).plus(HOURS_AHEAD), requests(10)));
            fixture.send(report("c1", URL_A, at(2), requests(20)), report("c1", URL_A, at(11), requests(30)));

            assertThat(fixture.registry().get(key("c1")).lastActivityMs())
                    .as("the honest report after the skewed one updates the registry").isEqualTo(ms(at(11)));
            assertThat(requestsIn(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(0)))))
                    .as("the skewed report counts at its append time, the honest one is not late")
                    .isEqualTo(new double[] {2, 30, 20});
            assertThat(requestsIn(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(10))))).isEqualTo(new double[] {1, 30, 30});
            assertThat(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(1).plus(HOURS_AHEAD).minusSeconds(1))))
                    .as("no window in the future").isNull();
        }
    }

    @Test
    void skewedRegisterShowsItsAppendTimeAsRegistrationAndLastActivity() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.sendAppendedAt(at(0), register("c1", URL_A, at(0).plus(HOURS_AHEAD)));

            assertThat(fixture.registry().get(key("c1")).registeredAtMs()).isEqualTo(ms(at(0)));
            assertThat(fixture.registry().get(key("c1")).lastActivityMs()).isEqualTo(ms(at(0)));
            assertThat(fixture.latestState(key("c1")).lastActivityMs())
                    .as("container-state shows the same time").isEqualTo(ms(at(0)));
        }
    }

    @Test
    void reportStampedHoursBehindDoesNotLookSilent() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(register("c1", URL_A, at(0), 60));
            fixture.sendAppendedAt(at(50), report("c1", URL_A, at(50).minus(HOURS_AHEAD), requests(10)));

            assertThat(fixture.registry().get(key("c1")).lastActivityMs()).isEqualTo(ms(at(50)));
        }
    }

    @Test
    void eventWithinTheAllowedSkewKeepsItsOwnTime() {
        Duration withinSkew = ProcessorConfig.DEFAULT_MAX_CLOCK_SKEW.minusSeconds(1);
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.sendAppendedAt(at(0).plus(withinSkew), register("c1", URL_A, at(0)));

            assertThat(fixture.registry().get(key("c1")).lastActivityMs()).isEqualTo(ms(at(0)));
        }
    }

    /** Count, sum and max of the request counter of container c1 in {@code window}. */
    private static double[] requestsIn(WindowAggregate window) {
        assertThat(window).isNotNull();
        ContainerSample sample = window.containers().get("c1");
        var requests = sample.metrics().get(MetricType.REQUESTS);
        return new double[] {requests.count(), requests.sum(), requests.max()};
    }
}
