package io.servingmonitor.topics;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** ISO-8601 UTC rendering of epoch milliseconds, as the API returns {@code last_update}. */
public final class IsoTime {

    private IsoTime() {
    }

    public static String format(long epochMs) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMs));
    }
}
