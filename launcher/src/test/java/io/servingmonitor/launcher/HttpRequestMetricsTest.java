package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code action} label comes from the matched route, the same for every version of an action. */
class HttpRequestMetricsTest {

    @Test
    void versionedRouteIsLabelledWithTheBareActionName() {
        assertThat(HttpRequestMetrics.actionLabel("/v{version}/serving.get_endpoints")).isEqualTo("serving.get_endpoints");
    }

    @Test
    void unversionedRouteIsLabelledWithTheActionName() {
        assertThat(HttpRequestMetrics.actionLabel("/serving.get_endpoints")).isEqualTo("serving.get_endpoints");
        assertThat(HttpRequestMetrics.actionLabel("/auth.login")).isEqualTo("auth.login");
    }

    @Test
    void requestWithoutMatchedRouteIsLabelledUnknown() {
        assertThat(HttpRequestMetrics.actionLabel(null)).isEqualTo(HttpRequestMetrics.UNKNOWN_ACTION);
        assertThat(HttpRequestMetrics.actionLabel("")).isEqualTo(HttpRequestMetrics.UNKNOWN_ACTION);
    }

    @Test
    void otherRoutesAreLabelledWithTheirRoutePathNotTheRequestPath() {
        assertThat(HttpRequestMetrics.actionLabel("/health")).isEqualTo("health");
        assertThat(HttpRequestMetrics.actionLabel("/internal/query/{action}")).isEqualTo("internal/query/{action}");
    }
}
