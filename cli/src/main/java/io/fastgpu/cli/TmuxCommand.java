package io.fastgpu.cli;

import io.fastgpu.core.util.ShellQuote;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fastgpu tmux NAME}: watch the instance's non-blocking commands. */
@Command(name = "tmux", mixinStandardHelpOptions = true,
        description = {"Attach to the tmux session where an instance's non-blocking commands run",
                "(one window per command); opens a shell when there is none."})
final class TmuxCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "NAME") String name;

    TmuxCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var s = InstanceSelector.one(ctx.fastGpu(), name);
        var task = ctx.fastGpu().task(s.provider(), s.instance());
        String sock = ShellQuote.quote(task.tmuxSocket());
        var probe = task.runWithOutput("command -v tmux >/dev/null && tmux -S " + sock + " has-session -t fastgpu 2>/dev/null");
        if (probe.exitCode() != 0) {
            ctx.err().println("No tmux session on " + name + " (no non-blocking command has run, or tmux is missing);"
                    + " opening a shell instead.");
            return SshCommand.Interactive.run(ctx, task.transportCommand(null));
        }
        return SshCommand.Interactive.run(ctx, task.transportCommand("exec tmux -S " + sock + " attach -t fastgpu"));
    }
}
