package io.fastgpu.core.state;

import java.time.Instant;

/**
 * One value of one training metric, as pushed by the script, read from its output, or appended to its metrics file.
 *
 * @param id      the row's id, increasing in the order points were stored (0 for a point not yet stored)
 * @param runId   the run it belongs to
 * @param task    the task index that reported it
 * @param step    the job step it was reported in ("" when not known)
 * @param restart the run's restart count when it was reported (0 before any recovery)
 * @param name    the metric's name, as the script gave it (may hold any text; escape it when shown)
 * @param value   a finite number
 * @param epoch   the epoch the script said, or null
 * @param stepNo  the training step the script said, or null
 * @param at      when it was measured
 * @param source  {@code push}, {@code regex} or {@code file}
 * @param key     what makes the point unique within its run, so that a point collected twice is stored once
 */
public record MetricPoint(long id, long runId, int task, String step, int restart, String name, double value,
                          Integer epoch, Long stepNo, Instant at, String source, String key) {
    public MetricPoint {
        if (!Double.isFinite(value)) throw new IllegalArgumentException("metric '" + name + "' has value " + value + "; only finite numbers are stored");
    }
}
