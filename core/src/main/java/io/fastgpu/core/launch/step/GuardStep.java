package io.fastgpu.core.launch.step;

import io.fastgpu.api.Event;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.launch.CostLimits;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.util.DurationText;
import io.fastgpu.core.util.Parallel;

import java.time.Duration;

/**
 * The cost guard ({@code guard}), right after the machines are ready: the watchdog on every machine with the
 * job's idle period and deadline (so they hold with no FastGPU process alive), and, while this launch runs, a
 * timer of its own that stops the job as soon as the deadline (the cap's spend) is passed, and says so.
 */
public final class GuardStep implements LaunchStep {
    private final CostLimits limits;

    public GuardStep(CostLimits limits) { this.limits = limits; }

    @Override public String name() { return "guard"; }

    @Override
    public String describe() { return limits.describe(); }

    @Override
    public void run(LaunchState s) {
        // The client's clock starts first: while it lives, it is the one that stops the job and says why.
        if (limits.deadline() != null) watch(s, limits.deadline());
        if (limits.selfStop() != null) {
            String caveat = limits.down() && (limits.idle() != null || limits.deadline() != null)
                    ? limits.selfStop().releaseCaveat() : null;
            if (caveat != null) s.fg().events().on(new Event.Notice(Event.Level.WARN, caveat));
            Watchdog.Settings settings = limits.settings(s.job().runName());
            Parallel.all("install the watchdog", s.requireRuntime().taskRuntimes(), TaskRuntime::name, t -> {
                Watchdog.ensure(t, limits.selfStop().stopScript(t.instance()), settings);
                return null;
            });
        }
    }

    /** Stops the job once {@code deadline} has passed, unless the launch ended before. */
    private void watch(LaunchState s, Duration deadline) {
        long due = System.nanoTime() + deadline.toNanos();
        Thread t = new Thread(() -> {
            try {
                while (System.nanoTime() < due) {
                    Thread.sleep(Math.max(1, Math.min(1000, (due - System.nanoTime()) / 1_000_000)));
                    if (s.finished()) return;
                }
            } catch (InterruptedException e) {
                return;
            }
            if (s.finished() || !s.markInterrupted()) return;
            s.fg().events().on(new Event.Notice(Event.Level.WARN, reason(deadline) + ": stopping job " + s.job().name()));
            Thread waiting = s.waiting();
            if (waiting != null) waiting.interrupt();
            try {
                AfterStep.apply(s, limits.down() ? JobFile.After.KILL : JobFile.After.STOP);
            } catch (RuntimeException e) {
                s.fg().events().on(new Event.Notice(Event.Level.WARN, "could not stop job " + s.job().name() + ": " + e.getMessage()
                        + "; the watchdog on each machine stops it"));
            }
        }, "fastgpu-cost-cap");
        t.setDaemon(true);
        t.start();
    }

    private String reason(Duration deadline) {
        if (limits.maxCost() != null && limits.hourlyPrice() > 0) {
            double spent = limits.hourlyPrice() * deadline.toMillis() / 3_600_000.0;
            if (spent >= limits.maxCost() - 0.005) {
                return "max_cost " + CostLimits.money(limits.maxCost()) + " reached (about " + CostLimits.money(spent) + " spent at "
                        + CostLimits.money(limits.hourlyPrice()) + " per hour over " + DurationText.format(deadline) + ")";
            }
        }
        return "max_duration " + DurationText.format(deadline) + " reached";
    }
}
