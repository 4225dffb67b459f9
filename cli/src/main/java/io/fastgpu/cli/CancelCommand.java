package io.fastgpu.cli;

import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.managed.ControllerLock;
import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedRuns;
import io.fastgpu.core.managed.ManagedState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code fastgpu cancel RUN}: ends a managed run; its controller applies 'after'. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "End a managed run: its running step ends and the job file's 'after' is applied to its machines.")
final class CancelCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "RUN", description = "The run's name (see 'fastgpu runs').")
    String run;

    @Option(names = "--timeout", paramLabel = "S", description = "How long to wait for the run to end (default 300 s).")
    int timeoutSeconds = 300;

    CancelCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws InterruptedException {
        ManagedRun r = new ManagedRuns(ctx.home()).find(run).orElseThrow(() -> new NotFoundException("no managed run '" + run
                + "'; 'fastgpu runs' lists them"));
        Optional<ManagedState> s = r.state();
        if (s.isPresent() && s.get().isFinal()) {
            ctx.out().println("Run " + run + " already ended: " + s.get().status());
            return 0;
        }
        r.requestCancel();
        ctx.out().println("Cancelling run " + run + "; its controller applies 'after' to the machines ...");
        ctx.out().flush();
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        boolean spawned = false;
        while (System.nanoTime() < deadline) {
            s = r.state();
            if (s.isPresent() && s.get().isFinal()) {
                ctx.out().println("Run " + run + " " + s.get().status() + ".");
                return 0;
            }
            if (!spawned && !r.controllerAlive()) {
                // Its controller is gone: the next one sees the request and ends the run at once.
                Optional<ControllerLock> lock = r.tryLock();
                if (lock.isPresent()) {
                    lock.get().close();
                    ControllerSpawner.spawn(ctx, r, ctx.workDir());
                    spawned = true;
                }
            }
            Thread.sleep(300);
        }
        ctx.err().println("error: run " + run + " did not end within " + timeoutSeconds + " s; 'fastgpu runs' shows where it"
                + " stands, 'fastgpu cancel " + run + "' waits again");
        return 1;
    }
}
