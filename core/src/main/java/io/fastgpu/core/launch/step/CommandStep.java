package io.fastgpu.core.launch.step;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.JobFailedException;
import io.fastgpu.api.RunOptions;
import io.fastgpu.core.job.DistributedLaunch;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.StepFailedException;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.MetricsFiles;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.runtime.StepEnding;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.Parallel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One named step of the job file, on task0, one task, or all at once. Every process of the step carries
 * a marker, so that when it fails on one task it is ended on the others (they would wait for it forever
 * in a collective), and an interrupt can end it.
 */
public final class CommandStep implements LaunchStep {
    private final JobFile.Step step;

    public CommandStep(JobFile.Step step) { this.step = step; }

    @Override public String name() { return step.name(); }

    @Override
    public String describe() {
        String where = step.launcher() != null ? "every task (" + step.launcher().name().toLowerCase(java.util.Locale.ROOT) + ")"
                : step.onAll() ? "every task" : "task" + step.taskIndex();
        String first = step.run().lines().findFirst().orElse("");
        return "on " + where + ": " + (first.length() > 60 ? first.substring(0, 57) + "..." : first)
                + (step.run().lines().count() > 1 ? " ..." : "");
    }

    @Override
    public Optional<String> alreadyDone(LaunchState s) {
        return s.doneBefore().contains(step.name()) ? Optional.of("succeeded in the run being resumed") : Optional.empty();
    }

    @Override
    public int exitCodeOf(RuntimeException failure) {
        return failure instanceof StepFailedException f ? f.exitCode() : 1;
    }

    @Override
    public void run(LaunchState s) {
        JobRuntime j = s.requireRuntime();
        String marker = "s" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new LinkedHashMap<>(s.job().env());
        env.put(ProcessMarker.STEP, marker);
        if (step.launcher() == DistributedLaunch.Kind.MPIRUN) {
            env.putAll(MpiTrust.prepare(j.taskRuntimes(), s.job().env().keySet()));
        }
        RunOptions opts = RunOptions.DEFAULT.streaming().withEnv(env);
        List<TaskRuntime> targets = step.onAll() ? j.taskRuntimes() : List.of(j.taskRuntimes().get(step.taskIndex()));
        s.runningMarker(marker);
        try {
            Parallel.all(step.name(), targets, TaskRuntime::name, t -> {
                try {
                    Map<String, String> taskEnv = new LinkedHashMap<>(env);
                    taskEnv.put(MetricsFiles.ENV, MetricsFiles.path(t.logdir(), t.index(), 0, step.name()));
                    return t.run(step.command(), opts.withEnv(taskEnv));
                } catch (RuntimeException e) {
                    // The others would wait for this one forever (a collective, a barrier): end them.
                    StepEnding.end(targets.stream().filter(o -> o != t).toList(), marker);
                    throw e;
                }
            });
        } catch (JobFailedException e) {
            var first = e.failures().stream().filter(f -> f.cause() instanceof CommandFailedException c
                    && c.exitCode() != 143 && c.exitCode() != 137).findFirst().orElse(e.failures().get(0));
            if (first.cause() instanceof CommandFailedException c) {
                throw new StepFailedException(step.name(), first.task(), c.exitCode(), c.outputTail());
            }
            throw targets.size() == 1 ? first.cause() : e;
        } finally {
            s.runningMarker(null);
        }
    }
}
