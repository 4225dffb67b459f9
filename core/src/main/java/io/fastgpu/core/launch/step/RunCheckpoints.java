package io.fastgpu.core.launch.step;

import io.fastgpu.core.job.Recovery;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.ShellQuote;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A managed run's checkpoint folder on each task ({@code recovery.checkpoint_dir} in its run folder), and, where
 * tasks do not share one, the controller's copy of task0's that a replaced machine starts from.
 */
final class RunCheckpoints {
    /** How often the controller's copy of task0's checkpoints is brought up to date while the step runs. */
    private static final long SYNC_EVERY_MS = 500;

    private final Recovery recovery;
    private final Path copy;

    /** @param copy the controller's copy of task0's checkpoint folder */
    RunCheckpoints(Recovery recovery, Path copy) {
        this.recovery = recovery;
        this.copy = copy;
    }

    /** The checkpoint folder on {@code t}'s machine, in its run folder. */
    String dir(TaskRuntime t) {
        String d = recovery.checkpointDir().isBlank() ? "checkpoint" : recovery.checkpointDir();
        return t.logdir() + "/" + d;
    }

    /** Whether every task sees the same run folder (one machine's disk, or a shared NAS). */
    static boolean shared(LaunchState s, JobRuntime j) {
        return j.taskRuntimes().size() == 1 || s.fg().provider(j.backend()).capabilities().sharedRunRoot()
                || s.machinePlan().options().nas();
    }

    /**
     * Makes the checkpoint folder on every task and, where tasks have folders of their own, brings task0's newest
     * checkpoint (or the controller's copy of it, when task0 was the one lost) to every other task. Returns what
     * training resumes from ({@code epoch 7}), or empty.
     */
    String prepare(LaunchState s, JobRuntime j, Loss pending) {
        for (TaskRuntime t : j.taskRuntimes()) t.runRaw("mkdir -p " + ShellQuote.quote(dir(t)));
        TaskRuntime task0 = j.taskRuntimes().get(0);
        if (!shared(s, j)) {
            boolean task0Lost = pending != null && pending.task() == 0;
            if (!task0Lost) CheckpointCopy.pull(task0, dir(task0), copy);
            List<TaskRuntime> to = j.taskRuntimes().stream().filter(t -> task0Lost || t.index() != 0).toList();
            CheckpointCopy.push(to, this::dir, copy);
        }
        return CheckpointCopy.newest(task0, dir(task0));
    }

    /** Brings the controller's copy up to date from task0 once, if task0 still answers (else the last copy stands). */
    void pullFromTask0(JobRuntime j) {
        try {
            CheckpointCopy.pull(j.taskRuntimes().get(0), dir(j.taskRuntimes().get(0)), copy);
        } catch (RuntimeException e) {
            // already gone: the last copy stands
        }
    }

    /** Keeps the controller's copy of task0's checkpoints up to date until every run in {@code runs} is done. */
    void syncWhile(LaunchState s, JobRuntime j, List<Future<?>> runs) {
        if (shared(s, j)) return;
        try {
            while (!runs.stream().allMatch(Future::isDone)) {
                Thread.sleep(SYNC_EVERY_MS);
                pullFromTask0(j); // task0 may be the one being lost
            }
        } catch (InterruptedException e) {
            // the step ended
        }
    }
}
