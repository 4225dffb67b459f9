package io.fastgpu.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fastgpu start}. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start stopped instances, and wait until they answer.")
final class StartCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "NAME", description = "Instance name, or {suffix} for every instance ending with it.")
    String name;

    StartCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var selected = InstanceSelector.select(ctx.fastGpu(), name);
        // Returns when the machines answer, so that the next command (ssh, exec) finds them ready.
        return Lifecycle.apply(ctx, selected, "start", s -> {
            s.provider().start(s.instance().id());
            s.provider().awaitReady(java.util.List.of(s.instance().id()), java.time.Duration.ofMinutes(10));
        });
    }
}
