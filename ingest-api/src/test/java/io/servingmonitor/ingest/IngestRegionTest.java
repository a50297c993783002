package io.servingmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An ingest node given a region stamps it on every event it writes; one without stamps none. */
class IngestRegionTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String REPORT = "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", "
            + "\"endpoint_url\": \"http://serving/ep\"";

    private final RecordingPublisher publisher = new RecordingPublisher();
    private Javalin app;

    private IngestClient start(String region) {
        ApiConfig config = ApiConfig.builder().build();
        Credentials credentials = Credentials.of("company-a:key-a:secret-a");
        IngestActions actions = new IngestActions(publisher, CLOCK, RegistrationPolicy.AUTO, ContainerDirectory.UNKNOWN, region);
        app = IngestApp.create(config, Authenticator.create(credentials, config, CLOCK), actions, CLOCK, javalin -> { })
                .start("127.0.0.1", 0);
        return new IngestClient(app.port());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void everyEventOfANodeWithARegionCarriesIt() {
        IngestClient client = start("eu-west-1");

        assertThat(client.call(IngestActions.REGISTER_CONTAINER, REPORT + "}").status()).isEqualTo(200);
        assertThat(client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT + ", \"requests_num\": 5}").status()).isEqualTo(200);
        assertThat(client.call(IngestActions.UNREGISTER_CONTAINER, "{\"container_id\": \"c-1\"}").status()).isEqualTo(200);

        assertThat(publisher.events()).extracting(ContainerEvent::type).containsExactly(ContainerEventType.REGISTER,
                ContainerEventType.STATUS_REPORT, ContainerEventType.UNREGISTER);
        assertThat(publisher.events()).extracting(ContainerEvent::region).containsOnly("eu-west-1");
    }

    @Test
    void aRegionInTheBodyIsIgnoredTheNodesRegionIsStamped() {
        IngestClient client = start("eu-west-1");

        client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT + ", \"region\": \"us-east-1\"}");

        assertThat(publisher.onlyEvent().region()).isEqualTo("eu-west-1");
    }

    @Test
    void aNodeWithoutRegionStampsNoneEvenWhenTheBodyNamesOne() {
        IngestClient client = start(null);

        client.call(IngestActions.REGISTER_CONTAINER, REPORT + ", \"region\": \"us-east-1\"}");

        assertThat(publisher.onlyEvent().region()).isNull();
    }

    @Test
    void aRegionThatIsNotAShortNameIsRefused() {
        assertThatThrownBy(() -> new IngestActions(publisher, CLOCK, RegistrationPolicy.AUTO, ContainerDirectory.UNKNOWN,
                "eu west"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
    }
}
