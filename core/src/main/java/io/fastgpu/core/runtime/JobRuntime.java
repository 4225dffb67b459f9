package io.fastgpu.core.runtime;

import io.fastgpu.core.util.Parallel;
import io.fastgpu.api.Job;
import io.fastgpu.api.RunHandle;
import io.fastgpu.api.RunOptions;
import io.fastgpu.api.Task;
import io.fastgpu.core.files.FileSelection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A job's tasks, operated on together and in parallel. */
public final class JobRuntime implements Job {
    private final String name;
    private final String runName;
    private final String logdir;
    private final List<TaskRuntime> tasks;
    private final List<String> newlyCreated;
    private final String backend;

    JobRuntime(String name, String runName, String logdir, List<TaskRuntime> tasks, List<String> newlyCreated, String backend) {
        this.backend = backend;
        this.name = name;
        this.runName = runName;
        this.logdir = logdir;
        this.tasks = List.copyOf(tasks);
        this.newlyCreated = List.copyOf(newlyCreated);
    }

    @Override public String name() { return name; }
    @Override public String runName() { return runName; }
    @Override public String logdir() { return logdir; }
    @Override public List<Task> tasks() { return List.copyOf(tasks); }

    /** The tasks with their runtime type, for the launcher. */
    public List<TaskRuntime> taskRuntimes() { return tasks; }

    /** The backend the machines are on. */
    public String backend() { return backend; }

    /** Names of the machines this call created (as opposed to reused). */
    public List<String> newlyCreated() { return newlyCreated; }

    @Override
    public void run(String cmd, RunOptions options) {
        Parallel.all("run '" + cmd.lines().findFirst().orElse("") + "'", tasks, TaskRuntime::name,
                t -> t.run(cmd, options));
    }

    @Override
    public List<RunHandle> runNonBlocking(String cmd) {
        return Parallel.all("start a command", tasks, TaskRuntime::name, t -> t.runNonBlocking(cmd));
    }

    @Override
    public void upload(String local, String remote, boolean dontOverwrite) {
        if (tasks.isEmpty()) return;
        FileSelection.Selection sel = tasks.get(0).select(local); // walk the tree once, not once per task
        Parallel.all("upload " + local, tasks, TaskRuntime::name, t -> {
            t.upload(sel, remote, dontOverwrite);
            return null;
        });
    }

    @Override
    public void download(String remote, Path localDir) {
        Parallel.all("download " + remote, tasks, TaskRuntime::name, t -> {
            t.download(remote, localDir.resolve(t.name()));
            return null;
        });
    }

    @Override
    public void awaitAll(Duration timeout) {
        Parallel.all("finish", tasks, TaskRuntime::name, t -> {
            t.awaitAll(timeout);
            return null;
        });
    }

    @Override
    public void stop() {
        Parallel.all("stop", tasks, TaskRuntime::name, t -> {
            t.stop();
            return null;
        });
    }

    @Override
    public void kill() {
        Parallel.all("kill", tasks, TaskRuntime::name, t -> {
            t.kill();
            return null;
        });
    }
}
