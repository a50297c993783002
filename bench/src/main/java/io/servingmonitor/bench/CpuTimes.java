package io.servingmonitor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the machine's CPU went during a measurement: the whole machine's busy and total time from
 * the first line of {@code /proc/stat} (in clock ticks, all cores summed), and a process's CPU time
 * from the JDK's {@link ProcessHandle.Info#totalCpuDuration()}.
 *
 * @param busy  ticks spent in user, nice, system, irq, softirq and steal
 * @param total busy plus idle and iowait
 */
public record CpuTimes(long busy, long total) {

    /** The machine's counters now; zeros where {@code /proc/stat} cannot be read (the figure is then NaN). */
    public static CpuTimes machine() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | RuntimeException e) {
            return new CpuTimes(0, 0);
        }
    }

    /** The aggregate line of {@code /proc/stat}: {@code cpu user nice system idle iowait irq softirq steal ...}. */
    public static CpuTimes parse(String line) {
        String[] fields = line.trim().split("\\s+");
        if (!fields[0].equals("cpu") || fields.length < 5) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + line);
        }
        long[] ticks = new long[8];
        for (int i = 0; i < ticks.length && i + 1 < fields.length; i++) {
            ticks[i] = Long.parseLong(fields[i + 1]);
        }
        long idle = ticks[3] + ticks[4];
        long busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
        return new CpuTimes(busy, busy + idle);
    }

    /** The share of the machine's CPU (0..1, all cores) that was busy between {@code before} and this. */
    public double busyShareSince(CpuTimes before) {
        long total = this.total - before.total;
        return total <= 0 ? Double.NaN : (double) (busy - before.busy) / total;
    }

    /** CPU seconds the process has used so far (0 when the JDK cannot tell). */
    public static double processSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }
}
