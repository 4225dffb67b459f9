package io.fastgpu.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code fastgpu stop}. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop instances: every process ends, files stay, and (in a cloud) compute stops costing.")
final class StopCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Mixin InstanceName target;

    StopCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var selected = InstanceSelector.select(ctx.fastGpu(), target.name);
        return Lifecycle.apply(ctx, selected, "stop", s -> {
            s.provider().stop(s.instance().id());
            Lifecycle.record(ctx, s, io.fastgpu.api.InstanceState.STOPPED, java.time.Instant.now());
        });
    }
}
