package io.servingmonitor.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One measured figure of a scenario: its summary over the runs, the ceiling it is compared with
 * (measured in the same run on the same machine; null when the figure has none) and the
 * issue's target.
 *
 * @param scenario     processing, ingest, reads, sustained or footprint
 * @param name         what was measured, e.g. {@code topology 100000 containers / 10000 urls}
 * @param unit         e.g. {@code events/s}, {@code ms}, {@code MiB}
 * @param value        the figure over the runs
 * @param ceilingName  what the ceiling is, or null
 * @param ceiling      the ceiling's median, or null
 * @param target       the target in words (e.g. {@code >= 20000}), or null
 * @param targetValue  the target as a number in {@code unit}, or null
 * @param note         what bounded this figure, sizes actually run, anything a reader must know
 */
public record Figure(
        String scenario,
        String name,
        String unit,
        Summary value,
        String ceilingName,
        Double ceiling,
        String target,
        Double targetValue,
        String note) {

    /** The figure's median over its ceiling's median (for rates: the share of the ceiling reached). */
    @JsonProperty("ratioToCeiling")
    public Double ratioToCeiling() {
        return ceiling == null || ceiling == 0 ? null : value.median() / ceiling;
    }

    /** The figure's median over its target (above 1 is better for rates, below 1 for times and sizes). */
    @JsonProperty("ratioToTarget")
    public Double ratioToTarget() {
        return targetValue == null || targetValue == 0 ? null : value.median() / targetValue;
    }

    public static Figure of(String scenario, String name, String unit, Summary value) {
        return new Figure(scenario, name, unit, value, null, null, null, null, null);
    }

    public Figure withCeiling(String ceilingName, double ceilingMedian) {
        return new Figure(scenario, name, unit, value, ceilingName, ceilingMedian, target, targetValue, note);
    }

    public Figure withTarget(String target, double targetValue) {
        return new Figure(scenario, name, unit, value, ceilingName, ceiling, target, targetValue, note);
    }

    public Figure withNote(String note) {
        return new Figure(scenario, name, unit, value, ceilingName, ceiling, target, targetValue, note);
    }
}
