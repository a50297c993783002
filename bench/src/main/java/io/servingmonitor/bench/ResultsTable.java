package io.servingmonitor.bench;

import java.util.List;
import java.util.Locale;

/** The figures as a Markdown table: what a person reads after a run, and what docs/BENCHMARKS.md holds. */
public final class ResultsTable {

    private ResultsTable() {
    }

    public static String markdown(List<Figure> figures) {
        StringBuilder table = new StringBuilder();
        table.append("| scenario | figure | median | min | max | unit | ceiling (same run) | ratio to ceiling | target | ratio to target |\n");
        table.append("| --- | --- | ---: | ---: | ---: | --- | --- | ---: | --- | ---: |\n");
        for (Figure f : figures) {
            table.append("| ").append(f.scenario())
                    .append(" | ").append(f.name())
                    .append(" | ").append(number(f.value().median()))
                    .append(" | ").append(number(f.value().min()))
                    .append(" | ").append(number(f.value().max()))
                    .append(" | ").append(f.unit())
                    .append(" | ").append(f.ceilingName() == null ? "" : f.ceilingName() + ": " + number(f.ceiling()))
                    .append(" | ").append(ratio(f.ratioToCeiling()))
                    .append(" | ").append(f.target() == null ? "" : f.target())
                    .append(" | ").append(ratio(f.ratioToTarget()))
                    .append(" |\n");
        }
        return table.toString();
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(Double ratio) {
        return ratio == null ? "" : String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
