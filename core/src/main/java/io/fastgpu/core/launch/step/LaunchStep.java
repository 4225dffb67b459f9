package io.fastgpu.core.launch.step;

import java.util.Optional;

/**
 * One step of a launch plan: provision the machines, set up, upload, a job step, download, after.
 * A step first says whether its work is already done (then it is skipped, with the reason), then acts.
 * The launcher runs the steps in order and turns each into Started / Skipped / Finished events.
 */
public interface LaunchStep {
    /** The phase name shown in the output and the timing report ({@code init}, {@code upload}, a step's name). */
    String name();

    /** What the step will do, one line, for a dry run. */
    String describe();

    /** Why the step need not run (its work is already done), or empty when it must run. */
    default Optional<String> alreadyDone(LaunchState state) { return Optional.empty(); }

    /** Does the work; a failure is an exception, the launch then goes straight to the steps that always run. */
    void run(LaunchState state);

    /**
     * True for steps that spend their time waiting (for machines to come up), which an interrupt may cut
     * short by interrupting the launch's thread; other steps end when their machines are stopped.
     */
    default boolean interruptible() { return false; }

    /** True for the steps that run even after a failure or an interrupt ({@code after}). */
    default boolean always() { return false; }

    /** The exit code a failure of this step stands for (a job step's command's code), 1 by default. */
    default int exitCodeOf(RuntimeException failure) { return 1; }
}
