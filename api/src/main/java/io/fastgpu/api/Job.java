package io.fastgpu.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A group of tasks working together. Operations on a job run on every task in parallel; when some tasks
 * fail, a {@link JobFailedException} names each failed task and its cause, and the others' work stands.
 */
public interface Job {
    String name();

    String runName();

    List<Task> tasks();

    default Task task(int index) { return tasks().get(index); }

    /** The run's log folder (shared by the tasks where the backend shares storage). */
    String logdir();

    default void run(String cmd) { run(cmd, RunOptions.DEFAULT); }

    void run(String cmd, RunOptions options);

    List<RunHandle> runNonBlocking(String cmd);

    void upload(String local, String remote, boolean dontOverwrite);

    default void upload(String local) { upload(local, null, false); }

    /** Downloads {@code remote} from every task into {@code localDir/<task name>/}. */
    void download(String remote, Path localDir);

    void awaitAll(Duration timeout);

    /** Stops every task's machine: processes end, files stay, no compute charge. */
    void stop();

    /** Releases every task's machine. */
    void kill();
}
