package io.fastgpu.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code fastgpu kill}: release instances, after asking. */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Release instances: their processes end and their disks are deleted.")
final class KillCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Mixin InstanceName target;

    @Option(names = {"-f", "--yes", "-y"}, description = "Do not ask for confirmation.")
    boolean yes;

    KillCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var selected = InstanceSelector.select(ctx.fastGpu(), target.name);
        String names = selected.stream().map(s -> s.instance().name()).collect(Collectors.joining(", "));
        // A backend that does not own its machines (an ssh fleet) only gives them back: say so before asking.
        boolean owned = selected.stream().allMatch(s -> s.provider().capabilities().ownsMachines());
        String question = owned ? "Release " + names + " and delete their files? (y/N)"
                : "Release " + names + " and delete the job's files on them? The machines themselves stay (FastGPU does not own them). (y/N)";
        if (!yes && !ctx.confirm(question, false)) {
            // Without a terminal nobody may be there to answer: say how to do it unattended.
            ctx.err().println(ctx.terminal() ? "Nothing was released."
                    : "Nothing was released. Without a terminal to answer on, pass --yes to release without asking.");
            return 1;
        }
        return Lifecycle.apply(ctx, selected, "kill", s -> {
            s.provider().destroy(s.instance().id());
            Lifecycle.record(ctx, s, io.fastgpu.api.InstanceState.TERMINATED, java.time.Instant.now());
        });
    }
}
