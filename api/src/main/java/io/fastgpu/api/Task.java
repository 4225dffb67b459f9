package io.fastgpu.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One machine of a job, named {@code task{i}.{job}}. Shell state ({@code cd}, {@code export}, sourced
 * environments, functions) carries over from one {@code run} to the next.
 */
public interface Task {
    String name();

    int index();

    /** Runs {@code cmd} verbatim and waits; throws {@link CommandFailedException} when it exits non-zero. */
    default void run(String cmd) { run(cmd, RunOptions.DEFAULT); }

    /** Runs {@code cmd} and waits; returns the exit code (non-zero only with {@link RunOptions#ignoreErrors()}). */
    int run(String cmd, RunOptions options);

    /** Runs {@code cmd} and returns its whole output and exit code; never throws for a non-zero exit. */
    ExecResult runWithOutput(String cmd);

    /** Starts {@code cmd} detached; its output goes to a file in the run's log folder. */
    RunHandle runNonBlocking(String cmd);

    /** Finds a non-blocking command started earlier, by id, also from another process. */
    RunHandle handle(String id);

    /** Non-blocking commands started on this task, oldest first. */
    List<RunHandle> handles();

    /** Copies a local file, folder or glob to {@code remote} (a path relative to the task's home, or absolute). */
    void upload(String local, String remote, boolean dontOverwrite);

    /** Copies a local file or folder into the task's home under its own name. */
    default void upload(String local) { upload(local, null, false); }

    /** Copies a file or folder from the task to a local path. */
    void download(String remote, Path local);

    boolean exists(String remotePath);

    String read(String remotePath);

    void write(String remotePath, String contents);

    /** Address the other tasks of the job reach this one at. */
    String ip();

    String publicIp();

    /** The run's log folder on the machine. */
    String logdir();

    /** Waits for every non-blocking command of this task to end. */
    void awaitAll(Duration timeout);

    void stop();

    void kill();
}
