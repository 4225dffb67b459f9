package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFile;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A backend facet for managed training platforms (TI-ONE): the platform runs the whole job as one task on
 * nodes FastGPU never logs into, so a launch is upload, create, follow the logs, download, instead of
 * machines and steps over SSH. Found through {@code Capabilities.facet(ManagedTraining.class)}.
 */
public interface ManagedTraining {
    /** What launching a job will do and cost, checked against the platform without changing anything. */
    record Plan(JobFile job, List<String> describe, String costQuestion) {
        public Plan {
            describe = List.copyOf(describe);
        }
    }

    /**
     * How a managed run ended.
     *
     * @param status the platform's final state (SUCCEED, FAILED, STOPPED)
     * @param failure one line saying what went wrong, empty when it succeeded
     * @param lastLines the task's last log lines when it failed
     * @param exitCode  0 when it succeeded, else the start command's exit code where the platform says it (else 1)
     */
    record Outcome(String taskId, String status, String failure, List<String> lastLines, Path outDir, int exitCode) {
        public Outcome {
            lastLines = List.copyOf(lastLines);
        }

        public Outcome(String taskId, String status, String failure, List<String> lastLines, Path outDir) {
            this(taskId, status, failure, lastLines, outDir, failure.isEmpty() ? 0 : 1);
        }

        public boolean ok() { return failure.isEmpty(); }
    }

    /** What a run tells besides its output lines, so that it can be recorded: the phases it enters and its task. */
    interface Tracker {
        /** Phase {@code name} ({@code upload}, {@code submit}, {@code train}, {@code download}) begins; the one before it ended well. */
        default void phase(String name) { }

        /** The platform accepted task {@code taskId}; its output goes to {@code output} (such as cos://bucket/path/). */
        default void created(String taskId, String output) { }

        Tracker NONE = new Tracker() { };
    }

    /** One value a task's script pushed (PushTrainingMetrics on TI-ONE). */
    record MetricValue(String name, double value, long epoch, long step, Instant at) { }

    /** Checks the job (spec, framework, bucket, inputs) and prices it; creates nothing. */
    Plan plan(JobFile job);

    /**
     * Uploads the code package (only changed files), creates the task, streams its logs to {@code out} until it
     * ends, and downloads the job's {@code download} paths from the task's output into {@code outDir}. When
     * {@code interrupted} turns true it stops: an upload is abandoned before any task exists; a created
     * task is stopped, never left running.
     */
    default Outcome run(Plan plan, Path outDir, Consumer<String> out, AtomicBoolean interrupted) {
        return run(plan, outDir, out, interrupted, Tracker.NONE);
    }

    /** {@link #run(Plan, Path, Consumer, AtomicBoolean)}, telling {@code tracker} its phases and its task as they come. */
    Outcome run(Plan plan, Path outDir, Consumer<String> out, AtomicBoolean interrupted, Tracker tracker);

    /** The metric values task {@code taskId} pushed so far, in the order the platform keeps them. */
    List<MetricValue> metrics(String taskId);

    /**
     * Copies {@code path} of task {@code taskId}'s output (relative to its output folder, as {@code download:} names it)
     * to the file {@code dest}.
     *
     * @throws io.fastgpu.api.NotFoundException when the task's output has no such file
     */
    void fetchOutput(String taskId, String path, Path dest);

    /** A task's logs (by task id or name); with {@code follow}, until the task ends. */
    void logs(String task, boolean follow, Consumer<String> out);
}
