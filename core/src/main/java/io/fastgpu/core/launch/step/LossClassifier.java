package io.fastgpu.core.launch.step;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.core.job.Recovery;
import io.fastgpu.core.job.StepFailedException;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.spi.Provider;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Tells, after an attempt of a recovered step failed, what was lost: a machine the cloud took back (reclaimed), one
 * that acted on a spot termination notice (preempted), one that stopped answering (node-lost), or a rank's exit code
 * the job lists; or nothing, when the failure is the job's own.
 */
final class LossClassifier {
    private final Recovery recovery;
    private final Duration nodeGrace;

    /** @param nodeGrace how long a machine may not answer before it counts as lost */
    LossClassifier(Recovery recovery, Duration nodeGrace) {
        this.recovery = recovery;
        this.nodeGrace = nodeGrace;
    }

    /**
     * What was lost, when an attempt failed with {@code failure} ({@code firstFailedTask}'s, or -1) and the watch saw
     * {@code seen} (or null): null when the failure is the job's own (not recovered).
     */
    Loss classify(LaunchState s, JobRuntime j, RuntimeException failure, int firstFailedTask, Loss seen) {
        boolean preemption = recovery.on().contains(Recovery.Trigger.PREEMPTION);
        boolean nodeLost = recovery.on().contains(Recovery.Trigger.NODE_LOST);
        long now = System.currentTimeMillis();
        Provider p = s.fg().provider(j.backend());
        Map<String, Instance> listed;
        try {
            listed = p.list().stream().collect(Collectors.toMap(Instance::id, i -> i, (x, y) -> x));
        } catch (RuntimeException e) {
            listed = null;
        }
        long at = seen != null ? seen.atMs() : now;
        if (seen != null && seen.cause().equals("node-lost")) return seen; // the silence timer's verdict
        if (preemption && listed != null) {
            for (TaskRuntime t : j.taskRuntimes()) {
                Instance i = listed.get(t.instance().id());
                if (i == null || i.state() == InstanceState.TERMINATED) return new Loss(t.index(), "reclaimed", at);
            }
        }
        for (TaskRuntime t : j.taskRuntimes()) {
            boolean answers = answers(t);
            if (preemption && answers && noticed(t)) return new Loss(t.index(), "preempted", at);
            if (nodeLost && !answers && stillSilent(t)) {
                // A reclaimed machine stops answering a moment before the cloud lists it as gone: ask again, briefly.
                if (preemption && reclaimedAfterAll(p, t)) return new Loss(t.index(), "reclaimed", at);
                return new Loss(t.index(), "node-lost", at);
            }
        }
        int code = failure instanceof StepFailedException f ? f.exitCode() : -1;
        if (recovery.exitCodes().contains(code)) return new Loss(-1, "exit " + code, at);
        // On this machine a task cannot vanish; its processes killed from outside stand for a machine lost.
        if (nodeLost && code == 137 && "local".equals(j.backend()) && firstFailedTask >= 0) {
            return new Loss(firstFailedTask, "node-lost", at);
        }
        return null;
    }

    /** Whether the cloud lists {@code t}'s instance as gone within a few seconds. */
    private static boolean reclaimedAfterAll(Provider p, TaskRuntime t) {
        for (int i = 0; i < 10; i++) {
            try {
                Instance listed = p.list().stream().filter(x -> x.id().equals(t.instance().id())).findFirst().orElse(null);
                if (listed == null || listed.state() == InstanceState.TERMINATED) return true;
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean answers(TaskRuntime t) {
        return SilenceTimer.answers(t, PROBE_TIMEOUT);
    }

    /** How long one "are you there" may take before it counts as no answer. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    /** Whether the machine-side watcher acted on a spot termination notice in the attempt that just ended. */
    private static boolean noticed(TaskRuntime t) {
        try {
            return t.exists(preemptedFile(t));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String preemptedFile(TaskRuntime t) { return t.logdir() + "/preempted.task" + t.index(); }

    /** Whether {@code t} still does not answer after the grace period. */
    private boolean stillSilent(TaskRuntime t) {
        long deadline = System.nanoTime() + nodeGrace.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            if (answers(t)) return false;
        }
        return true;
    }
}
