package io.fastgpu.api;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A command started without waiting. It keeps running on its machine after the client exits; its output
 * goes to {@link #logFile()} and its exit code is recorded when it ends.
 */
public interface RunHandle {
    /** The task it runs on. */
    String taskName();

    /** Identifier unique within the task, usable to find the command again later. */
    String id();

    /** Path of its output on the machine. */
    String logFile();

    /** The exit code, when it has finished. */
    OptionalInt exitCode();

    boolean isRunning();

    /** Waits until it ends and returns its exit code; throws {@link CommandTimeoutException} after {@code timeout}. */
    int await(Duration timeout);

    /** Its output so far. */
    String output();
}
