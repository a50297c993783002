package io.servingmonitor.topics;

/** One item of a container's {@code reference} list: {@code type} is one of app_id, app_instance, model, task, url. */
public record ReferenceItem(String type, String value) {
}
