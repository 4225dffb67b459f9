package io.fastgpu.core.launch.step;

import io.fastgpu.core.runtime.TaskRuntime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells a machine that stopped answering (a kernel stuck, a network cut, while the cloud still lists it running)
 * from one that is only busy: every few seconds each task's machine is asked "are you there" (a command that does
 * nothing); one that has given no answer for the grace period is silent. At most one question per machine is out
 * at a time, and one that hangs is never waited for: the next check looks again.
 */
final class SilenceTimer {
    private static final ExecutorService PROBES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fastgpu-probe");
        t.setDaemon(true);
        return t;
    });

    private final List<TaskRuntime> tasks;
    private final long graceNanos;
    private final long everyNanos;
    private final java.util.concurrent.atomic.AtomicLongArray lastHeard;
    private final Future<?>[] out;
    private long lastRound;

    SilenceTimer(List<TaskRuntime> tasks, Duration grace) {
        this.tasks = List.copyOf(tasks);
        this.graceNanos = grace.toNanos();
        this.everyNanos = Math.max(TimeUnit.SECONDS.toNanos(1), Math.min(TimeUnit.SECONDS.toNanos(5), graceNanos / 3));
        long now = System.nanoTime();
        this.lastHeard = new java.util.concurrent.atomic.AtomicLongArray(this.tasks.size());
        for (int i = 0; i < this.tasks.size(); i++) lastHeard.set(i, now);
        this.out = new Future<?>[this.tasks.size()];
        this.lastRound = now - everyNanos;
    }

    /** Asks the machines again when it is time; returns the first task silent for longer than the grace, or null. */
    TaskRuntime check() {
        long now = System.nanoTime();
        if (now - lastRound >= everyNanos) {
            lastRound = now;
            for (int i = 0; i < tasks.size(); i++) {
                if (out[i] != null && !out[i].isDone()) continue; // the last question is still out
                int index = i;
                TaskRuntime t = tasks.get(i);
                out[i] = PROBES.submit(() -> {
                    if (ask(t)) lastHeard.set(index, System.nanoTime());
                });
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (now - lastHeard.get(i) > graceNanos) return tasks.get(i);
        }
        return null;
    }

    /** Whether {@code t}'s machine answers within {@code timeout}. */
    static boolean answers(TaskRuntime t, Duration timeout) {
        Future<Boolean> f = PROBES.submit(() -> ask(t));
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            f.cancel(true);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean ask(TaskRuntime t) {
        try {
            return t.runRaw("true").exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
