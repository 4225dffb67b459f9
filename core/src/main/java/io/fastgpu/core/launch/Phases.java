package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.launch.step.LaunchState;
import io.fastgpu.core.launch.step.LaunchStep;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Runs a launch's steps as phases, for a plain launch and a managed run alike. */
final class Phases {
    private Phases() { }

    /** Runs one step: skipped when its work is already done, else timed and reported as a phase. */
    static void run(EventListener events, LaunchStep step, LaunchState state, List<PhaseTiming> timings) {
        Optional<String> done = step.alreadyDone(state);
        if (done.isPresent()) {
            events.on(new Event.PhaseSkipped(step.name(), done.get()));
            return;
        }
        events.on(new Event.PhaseStarted(step.name()));
        long t0 = System.nanoTime();
        int exit = 1;
        try {
            if (step.interruptible()) state.waiting(Thread.currentThread());
            if (state.interrupted() && step.interruptible()) throw new FastGpuException("interrupted");
            step.run(state);
            exit = 0;
        } catch (RuntimeException e) {
            exit = step.exitCodeOf(e);
            throw e;
        } finally {
            state.waiting(null);
            Thread.interrupted(); // an interrupt meant for this step must not cut short the next ones
            Duration d = Duration.ofNanos(System.nanoTime() - t0);
            timings.add(new PhaseTiming(step.name(), d, exit == 0));
            events.on(new Event.PhaseFinished(step.name(), d, exit == 0, exit));
        }
    }
}
