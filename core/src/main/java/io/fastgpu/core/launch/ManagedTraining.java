package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFile;

import java.nio.file.Path;
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
     */
    record Outcome(String taskId, String status, String failure, List<String> lastLines, Path outDir) {
        public Outcome {
            lastLines = List.copyOf(lastLines);
        }

        public boolean ok() { return failure.isEmpty(); }
    }

    /** Checks the job (spec, framework, bucket, inputs) and prices it; creates nothing. */
    Plan plan(JobFile job);

    /**
     * Uploads the code package (only changed files), creates the task, streams its logs to {@code out} until it
     * ends, and downloads the job's {@code download} paths from the task's output into {@code outDir}. When
     * {@code interrupted} turns true it stops: an upload is abandoned before any task exists; a created
     * task is stopped, never left running.
     */
    Outcome run(Plan plan, Path outDir, Consumer<String> out, AtomicBoolean interrupted);

    /** A task's logs (by task id or name); with {@code follow}, until the task ends. */
    void logs(String task, boolean follow, Consumer<String> out);
}
