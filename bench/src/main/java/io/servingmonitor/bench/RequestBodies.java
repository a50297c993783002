package io.servingmonitor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.ReferenceItem;
import java.util.List;

/**
 * The JSON bodies of {@code serving.register_container} and {@code serving.container_status_report}
 * for a bench event, with the field names of the ClearML API (the same content the processing
 * scenario writes straight into the topic).
 */
public final class RequestBodies {

    public static final String REGISTER = "serving.register_container";
    public static final String STATUS_REPORT = "serving.container_status_report";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RequestBodies() {
    }

    public static String of(ContainerEvent event) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("container_id", event.containerId());
        ModelInfo model = event.model();
        body.put("endpoint_name", model.endpointName());
        if (model.endpointUrl() != null) {
            body.put("endpoint_url", model.endpointUrl());
        }
        body.put("model_name", model.modelName());
        body.put("model_source", model.modelSource());
        body.put("model_version", model.modelVersion());
        body.put("preprocess_artifact", model.preprocessArtifact());
        body.put("input_type", model.inputType());
        body.put("input_size", model.inputSize());
        ArrayNode reference = body.putArray("reference");
        for (ReferenceItem item : model.reference()) {
            reference.addObject().put("type", item.type()).put("value", item.value());
        }
        strings(body.putArray("tags"), model.tags());
        strings(body.putArray("system_tags"), model.systemTags());
        if (event.timeoutSec() != null) {
            body.put("timeout", event.timeoutSec());
        }
        LoadReport load = event.load();
        if (load != null) {
            body.put("uptime_sec", load.uptimeSec());
            body.put("requests_num", load.requestsNum());
            body.put("requests_min", load.requestsMin());
            body.put("latency_ms", load.latencyMs());
            machineStats(body.putObject("machine_stats"), load.machineStats());
        }
        return body.toString();
    }

    /** The action that carries {@code event}. */
    public static String action(ContainerEvent event) {
        return switch (event.type()) {
            case REGISTER -> REGISTER;
            case STATUS_REPORT -> STATUS_REPORT;
            case UNREGISTER -> "serving.unregister_container";
        };
    }

    private static void machineStats(ObjectNode node, MachineStats stats) {
        numbers(node.putArray("cpu_usage"), stats.cpuUsage());
        numbers(node.putArray("gpu_usage"), stats.gpuUsage());
        node.put("memory_used", stats.memoryUsed());
        node.put("memory_free", stats.memoryFree());
        numbers(node.putArray("gpu_memory_free"), stats.gpuMemoryFree());
        numbers(node.putArray("gpu_memory_used"), stats.gpuMemoryUsed());
        node.put("network_tx", stats.networkTx());
        node.put("network_rx", stats.networkRx());
        node.put("disk_free_home", stats.diskFreeHome());
        node.put("disk_free_temp", stats.diskFreeTemp());
        node.put("disk_read", stats.diskRead());
        node.put("disk_write", stats.diskWrite());
        numbers(node.putArray("cpu_temperature"), stats.cpuTemperature());
        numbers(node.putArray("gpu_temperature"), stats.gpuTemperature());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static void numbers(ArrayNode array, List<Double> values) {
        values.forEach(array::add);
    }
}
