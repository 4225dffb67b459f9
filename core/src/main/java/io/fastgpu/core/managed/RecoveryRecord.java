package io.fastgpu.core.managed;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One recovery of a managed run: which task was lost, why and when, how long its replacement took and where
 * training resumed.
 *
 * @param number      1 for the run's first recovery
 * @param task        the task that was lost ({@code task1}), or {@code all} for a restart in place (an exit code)
 * @param cause       {@code reclaimed} (spot), {@code preempted} (a termination notice), {@code node-lost}, {@code exit N}
 * @param lostAtMs    when the loss was seen, epoch milliseconds
 * @param replacedMs  how long from the loss until the step ran again on every task
 * @param resumedFrom the checkpoint training resumed from ({@code epoch 7}), or empty when none was found
 */
public record RecoveryRecord(int number, String task, String cause, long lostAtMs, long replacedMs, String resumedFrom) {
    /** The kind of the run event each recovery is recorded as in the state store (what counts a run's restarts). */
    public static final String EVENT = "recovery";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** {@code recovery 1: task1 reclaimed at 12:03:10, replaced in 9.8 s, resumed from epoch 7}. */
    public String describe() {
        return "recovery " + number + ": " + task + " " + cause + " at " + CLOCK.format(Instant.ofEpochMilli(lostAtMs))
                + ", " + (task.equals("all") ? "restarted" : "replaced") + " in "
                + String.format(Locale.ROOT, "%.1f s", replacedMs / 1000.0) + ", "
                + (resumedFrom.isEmpty() ? "no checkpoint yet (started over)" : "resumed from " + resumedFrom);
    }
}
