package io.servingmonitor.ingest;

import io.servingmonitor.api.RequestBody;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.ReferenceItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates the fields of the serving write calls (ClearML {@code serving_model_report},
 * the status report's load figures and {@code machine_stats}) into the event records. Every problem
 * is an {@code ApiException} naming the field: 400/11 for missing required fields (all of them at
 * once), 400/12 for a wrong type, a bad enum value, a negative count, an absurd value, an
 * over-long string or a list over its cap. {@code null} for an optional field means absent.
 *
 * <p>The caps bound what an accepted write retains (the event, then the registry entry and the
 * endpoint view that keep it): every string field, every list and every list item has one, so the
 * largest event an accepted call can make is bounded ({@link #MAX_EVENT_BYTES}) whatever the body
 * limit, far below Kafka's 1 MiB record limit. A list's length is checked before its items are read.
 */
final class ReportParser {

    static final String CONTAINER_ID = "container_id";
    static final String ENDPOINT_NAME = "endpoint_name";
    static final String ENDPOINT_URL = "endpoint_url";
    static final String MODEL_NAME = "model_name";
    static final String TIMEOUT = "timeout";

    static final int DEFAULT_TIMEOUT_SEC = 600;
    static final long MAX_TIMEOUT_SEC = Duration.ofDays(365).toSeconds();
    /** Longest accepted id, name, url or other string field. */
    static final int MAX_STRING_LENGTH = 1024;
    /** Most items accepted in tags and in system_tags. */
    static final int MAX_TAGS = 64;
    /** Most items accepted in reference. */
    static final int MAX_REFERENCE_ITEMS = 64;
    /** Longest accepted tag, system tag or reference value. */
    static final int MAX_ITEM_LENGTH = 256;
    /** Most entries accepted in a machine_stats list (one per CPU core, GPU or sensor). */
    static final int MAX_STATS_ITEMS = 1024;
    /**
     * The most bytes an event of an accepted call serializes to, with every field at its cap and
     * every character a control character, which JSON escapes as six bytes; with plain text at every
     * cap it is about 220 KB, and a ClearML SDK report is about 1 KB.
     */
    static final int MAX_EVENT_BYTES = ContainerEvent.MAX_SERIALIZED_BYTES;
    /** Larger counts, rates or machine figures are not real measurements. */
    static final double MAX_MAGNITUDE = 1e15;

    static final Set<String> REFERENCE_TYPES = Set.of("app_id", "app_instance", "model", "task", "url");

    private ReportParser() {
    }

    /** The container id of any write: required, non-empty. */
    static String containerId(RequestBody body) {
        body.checkRequired(CONTAINER_ID);
        return nonEmpty(body, CONTAINER_ID);
    }

    /**
     * The {@code serving_model_report} fields. {@code urlRequired}: the status report needs
     * {@code endpoint_url} (400/12 without it); at registration an absent or empty url means
     * the container is still loading.
     */
    static ModelInfo modelInfo(RequestBody body, boolean urlRequired) {
        body.checkRequired(CONTAINER_ID, ENDPOINT_NAME, MODEL_NAME);
        nonEmpty(body, CONTAINER_ID);
        String url = string(body, ENDPOINT_URL);
        if (url != null && url.isEmpty()) {
            url = null;
        }
        if (urlRequired && url == null) {
            throw body.invalid(ENDPOINT_URL, "is required in a status report");
        }
        return new ModelInfo(
                string(body, ENDPOINT_NAME),
                url,
                string(body, MODEL_NAME),
                string(body, "model_source"),
                string(body, "model_version"),
                string(body, "preprocess_artifact"),
                string(body, "input_type"),
                body.requireMaxLength("input_size", body.optionalStringOrNumber("input_size"), MAX_STRING_LENGTH),
                reference(body),
                strings(body, "tags"),
                strings(body, "system_tags"));
    }

    /** The registration timeout: default 600 s, at least 1 s, at most a year. */
    static int timeoutSec(RequestBody body) {
        Long timeout = body.requireBetween(TIMEOUT, body.optionalLong(TIMEOUT), 1, MAX_TIMEOUT_SEC);
        return timeout == null ? DEFAULT_TIMEOUT_SEC : timeout.intValue();
    }

    /** The load figures of a status report; counts are non-negative, {@code latency_ms} rounded to an integer. */
    static LoadReport load(RequestBody body) {
        return new LoadReport(
                count(body, "uptime_sec"),
                count(body, "requests_num"),
                body.requireBetween("requests_min", body.optionalDouble("requests_min"), 0, MAX_MAGNITUDE),
                count(body, "latency_ms"),
                machineStats(body));
    }

    private static MachineStats machineStats(RequestBody report) {
        RequestBody stats = report.optionalObject("machine_stats");
        if (stats == null) {
            return null;
        }
        return new MachineStats(
                numbers(stats, "cpu_usage"),
                numbers(stats, "gpu_usage"),
                number(stats, "memory_used"),
                number(stats, "memory_free"),
                numbers(stats, "gpu_memory_free"),
                numbers(stats, "gpu_memory_used"),
                number(stats, "network_tx"),
                number(stats, "network_rx"),
                number(stats, "disk_free_home"),
                number(stats, "disk_free_temp"),
                number(stats, "disk_read"),
                number(stats, "disk_write"),
                numbers(stats, "cpu_temperature"),
                numbers(stats, "gpu_temperature"));
    }

    private static List<ReferenceItem> reference(RequestBody body) {
        limitItems(body, "reference", MAX_REFERENCE_ITEMS);
        List<RequestBody> items = body.optionalArrayOfObjects("reference");
        if (items == null) {
            return null;
        }
        List<ReferenceItem> reference = new ArrayList<>(items.size());
        for (RequestBody item : items) {
            item.checkRequired("type", "value");
            String type = item.optionalString("type");
            if (!REFERENCE_TYPES.contains(type)) {
                throw item.invalid("type", "must be one of app_id, app_instance, model, task, url");
            }
            reference.add(new ReferenceItem(type,
                    item.requireMaxLength("value", item.optionalString("value"), MAX_ITEM_LENGTH)));
        }
        return reference;
    }

    private static String nonEmpty(RequestBody body, String name) {
        String value = string(body, name);
        if (value.isEmpty()) {
            throw body.invalid(name, "must not be empty");
        }
        return value;
    }

    private static String string(RequestBody body, String name) {
        return body.requireMaxLength(name, body.optionalString(name), MAX_STRING_LENGTH);
    }

    private static List<String> strings(RequestBody body, String name) {
        limitItems(body, name, MAX_TAGS);
        List<String> values = body.optionalStringList(name);
        if (values != null) {
            values.forEach(value -> body.requireMaxLength(name, value, MAX_ITEM_LENGTH));
        }
        return values;
    }

    private static Long count(RequestBody body, String name) {
        return body.requireBetween(name, body.optionalLong(name), 0, (long) MAX_MAGNITUDE);
    }

    private static Double number(RequestBody body, String name) {
        return body.requireBetween(name, body.optionalDouble(name), -MAX_MAGNITUDE, MAX_MAGNITUDE);
    }

    private static List<Double> numbers(RequestBody body, String name) {
        limitItems(body, name, MAX_STATS_ITEMS);
        List<Double> values = body.optionalNumberList(name);
        if (values != null) {
            values.forEach(value -> body.requireBetween(name, value, -MAX_MAGNITUDE, MAX_MAGNITUDE));
        }
        return values;
    }

    private static void limitItems(RequestBody body, String name, int max) {
        if (body.sizeOf(name) > max) {
            throw body.invalid(name, "must have at most " + max + " items");
        }
    }
}
