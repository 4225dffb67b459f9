package io.fastgpu.cli;

import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedState;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams a managed run's output until the run ends; Ctrl-C detaches (the run goes on, and the way back is
 * said). A controller found gone meanwhile (killed) is started again, carrying on from the recorded state.
 */
final class RunFollower {
    private static final long POLL_MILLIS = 200;
    /** How long a just started controller may take to take its lock before it counts as gone. */
    private static final long START_MILLIS = 8_000;

    private RunFollower() { }

    /** Follows {@code run}; the exit code: 0 succeeded or detached, 1 failed or cancelled. */
    static int follow(CliContext ctx, ManagedRun run, long spawnedAtMillis) throws IOException, InterruptedException {
        AtomicBoolean detached = new AtomicBoolean();
        Signal sigint = new Signal("INT");
        SignalHandler previous = null;
        try {
            previous = Signal.handle(sigint, s -> detached.set(true));
        } catch (IllegalArgumentException e) {
            // the JVM keeps SIGINT to itself (-Xrs): Ctrl-C ends this command, which is the same as detaching
        }
        long lastSpawn = spawnedAtMillis;
        try {
            LogsCommand.LogCopier copier = new LogsCommand.LogCopier(run.runLog(), ctx.out());
            while (true) {
                copier.copyNew();
                Optional<ManagedState> s = run.state();
                if (s.isPresent() && s.get().isFinal()) {
                    copier.copyNew();
                    copier.finish();
                    ctx.out().println("Run " + run.name() + " " + s.get().status() + (s.get().message().isEmpty() ? ""
                            : ": " + s.get().message()) + (s.get().restarts() > 0 ? " (" + s.get().restarts() + " restart(s))" : ""));
                    return s.get().status().equals(ManagedState.SUCCEEDED) ? 0 : 1;
                }
                if (detached.get()) {
                    copier.finish();
                    ctx.out().println();
                    ctx.out().println("Detached from run " + run.name() + "; it goes on without this terminal. 'fastgpu logs "
                            + run.name() + " -f' follows it again, 'fastgpu runs' lists it, 'fastgpu cancel " + run.name()
                            + "' ends it.");
                    return 0;
                }
                if (System.currentTimeMillis() - lastSpawn > START_MILLIS && !run.controllerAlive()) {
                    long pid = ControllerSpawner.spawn(ctx, run, ctx.workDir());
                    lastSpawn = System.currentTimeMillis();
                    ctx.err().println("fastgpu: the controller of run " + run.name() + " was gone; started a new one (pid "
                            + pid + "), which carries on from the recorded state");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } finally {
            if (previous != null) Signal.handle(sigint, previous);
        }
    }
}
