package io.fastgpu.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code fastgpu start}. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start stopped instances, and wait until they answer.")
final class StartCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Mixin InstanceName target;

    StartCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var selected = InstanceSelector.select(ctx.fastGpu(), target.name);
        // Returns when the machines answer, so that the next command (ssh, exec) finds them ready.
        return Lifecycle.apply(ctx, selected, "start", s -> {
            java.time.Instant asked = java.time.Instant.now();
            s.provider().start(s.instance().id());
            Lifecycle.record(ctx, s, io.fastgpu.api.InstanceState.RUNNING, asked);
            s.provider().awaitReady(java.util.List.of(s.instance().id()), java.time.Duration.ofMinutes(10));
        });
    }
}
