package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFile;
import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.core.launch.step.AfterStep;
import io.fastgpu.core.launch.step.LaunchState;
import io.fastgpu.core.runtime.StepEnding;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) or SIGTERM at any moment of a launch, from the first API call on: the first one marks
 * the launch interrupted and applies {@code after} to whatever exists of the job's machines now (which
 * ends the running step); the launch then skips what is left, applies {@code after} to what the cut-short
 * phase made, records the run as interrupted and ends. A second one exits at once, saying what may be
 * left and how to clean it up. Installed for the launch only; the previous handlers come back after.
 */
final class InterruptGuard implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    /** The command's own interrupt source instead of the process's signals (a resident agent), if any. */
    private AutoCloseable registered;

    private InterruptGuard() { }

    static InterruptGuard install(LaunchState state, JobFile.After after, EventListener events) {
        InterruptGuard g = new InterruptGuard();
        AtomicInteger count = new AtomicInteger();
        String job = state.job().name();
        CommandInterrupts source = CommandInterrupts.current();
        java.util.function.Consumer<String> handler = sig -> {
            if (count.incrementAndGet() > 1) {
                events.on(new Event.Notice(Event.Level.WARN, "interrupted again: exiting now. The machines of job " + job
                        + " may still be running: 'fastgpu ls' shows them, 'fastgpu " + (after == JobFile.After.KILL ? "kill" : "stop")
                        + " {" + job + "}' " + (after == JobFile.After.KILL ? "releases" : "stops") + " them"));
                if (source != null) {
                    source.exitNow(130);
                    return;
                }
                Runtime.getRuntime().halt(130);
            }
            state.markInterrupted();
            events.on(new Event.Notice(Event.Level.WARN, "interrupted (SIG" + sig + "): "
                    + (after == JobFile.After.KEEP ? "ending the running step; the machines keep running ('after: keep')"
                    : "applying 'after: " + after.label() + "' to the job's machines")
                    + "; press Ctrl-C again to exit at once"));
            Thread waiting = state.waiting();
            if (waiting != null) waiting.interrupt(); // waiting for machines: stop waiting
            Thread t = new Thread(() -> settle(state, after, events), "fastgpu-interrupted");
            t.setDaemon(true);
            t.start();
        };
        if (source != null) {
            g.registered = source.onInterrupt(handler);
            return g;
        }
        SignalHandler onSignal = sig -> handler.accept(sig.getName());
        for (String name : SIGNALS) {
            try {
                Signal s = new Signal(name);
                g.previous.add(Signal.handle(s, onSignal));
                g.installed.add(s);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal to itself (-Xrs): its default handling stays
            }
        }
        return g;
    }

    /** Applies {@code after} now (or, with keep, ends the running step's processes). */
    private static void settle(LaunchState state, JobFile.After after, EventListener events) {
        try {
            if (after == JobFile.After.KEEP) {
                String marker = state.runningMarker();
                if (marker != null && state.runtime() != null) {
                    StepEnding.end(state.runtime().taskRuntimes(), marker);
                }
            } else {
                AfterStep.apply(state, after);
            }
        } catch (RuntimeException e) {
            events.on(new Event.Notice(Event.Level.WARN, "could not " + after.label() + " the machines after the interrupt: "
                    + e.getMessage() + "; the launch tries again as it ends"));
        }
    }

    @Override
    public void close() {
        if (registered != null) {
            try {
                registered.close();
            } catch (Exception e) {
                // nothing is left to undo
            }
        }
        for (int i = 0; i < installed.size(); i++) Signal.handle(installed.get(i), previous.get(i));
    }
}
