package io.fastgpu.api;

import java.time.Duration;

/** Everything that happens in a run is an event; front ends render them, the core never prints. */
public sealed interface Event {
    /** A named phase ({@code init}, {@code upload}, a step's name, ...) began. */
    record PhaseStarted(String phase) implements Event { }

    /** A phase ended, successfully or not. */
    record PhaseFinished(String phase, Duration elapsed, boolean ok) implements Event { }

    /** One line of a command's output on a task. */
    record LogLine(String task, String line, boolean stderr) implements Event { }

    /** Progress of a long operation, such as a transfer: {@code unit}s done of total, and files done of total. */
    record Progress(String phase, long done, long total, String unit, long files, long filesTotal) implements Event { }

    /** Something the user should know, e.g. "Reusing task0.gtc-demo (stopped, starting it)". */
    record Notice(Level level, String message) implements Event { }

    enum Level { INFO, WARN }
}
