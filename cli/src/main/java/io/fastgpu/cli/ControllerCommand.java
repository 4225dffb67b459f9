package io.fastgpu.cli;

import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.launch.ManagedLaunch;
import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fastgpu __controller RUN}: a managed run's controller (started by launch --managed; not for users). */
@Command(name = ControllerCommand.NAME, hidden = true, description = "The controller of a managed run.")
final class ControllerCommand implements Callable<Integer> {
    static final String NAME = "__controller";

    private final CliContext ctx;

    @Parameters(paramLabel = "RUN") String run;

    ControllerCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        ManagedRun r = new ManagedRuns(ctx.home()).find(run)
                .orElseThrow(() -> new NotFoundException("no managed run '" + run + "'"));
        return new ManagedLaunch(ctx.fastGpu(), r, ctx.env()).control();
    }
}
