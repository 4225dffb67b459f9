package io.fastgpu.api;

import java.time.Duration;
import java.util.List;

/** Everything that happens in a run is an event; front ends render them, a recorder stores them, the core never prints. */
public sealed interface Event {
    /** A named phase ({@code init}, {@code upload}, a step's name, ...) began. */
    record PhaseStarted(String phase) implements Event { }

    /** A phase ended, successfully or not; {@code exitCode} is the step's exit code (0 when ok). */
    record PhaseFinished(String phase, Duration elapsed, boolean ok, int exitCode) implements Event {
        public PhaseFinished(String phase, Duration elapsed, boolean ok) { this(phase, elapsed, ok, ok ? 0 : 1); }
    }

    /** A phase whose work was already done (or is not needed), so it did not run. */
    record PhaseSkipped(String phase, String reason) implements Event { }

    /** A launch of {@code job} began; its output is kept in {@code localLog} on this machine. */
    record RunStarted(String job, String runName, String backend, String localLog) implements Event { }

    /**
     * The job's {@code numTasks} machines are ready; the run's log folder on them is {@code logdir};
     * {@code listed} is every machine of the backend as listed then.
     */
    record MachinesReady(String job, String backend, String logdir, int numTasks, List<Instance> listed) implements Event {
        public MachinesReady { listed = List.copyOf(listed); }
    }

    /**
     * FastGPU put machines {@code ids} of {@code backend} into {@code state} ({@code STOPPED}, or {@code TERMINATED} when
     * released) at {@code at}: what the spend report counts their hours up to.
     */
    record MachinesChanged(String backend, List<String> ids, InstanceState state, java.time.Instant at) implements Event {
        public MachinesChanged { ids = List.copyOf(ids); }
    }

    /** The launch ended: {@code succeeded}, {@code failed} or {@code interrupted}, with its exit code. */
    record RunFinished(String job, String runName, String status, int exitCode, String message, Duration total) implements Event { }

    /** One line of a command's output on a task. */
    record LogLine(String task, String line, boolean stderr) implements Event { }

    /** Progress of a long operation, such as a transfer: {@code unit}s done of total, and files done of total. */
    record Progress(String phase, long done, long total, String unit, long files, long filesTotal) implements Event { }

    /** Something the user should know, e.g. "Reusing task0.gtc-demo (stopped, starting it)". */
    record Notice(Level level, String message) implements Event { }

    enum Level { INFO, WARN }
}
