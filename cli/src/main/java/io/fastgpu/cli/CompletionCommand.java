package io.fastgpu.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code fastgpu completion bash|zsh}: the shell completion script of every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the completion script for bash or zsh; load it with: source <(fastgpu completion bash)")
final class CompletionCommand implements Callable<Integer> {
    /** The shells the script works in (zsh runs it through bashcompinit). */
    enum Shell { bash, zsh }

    private final CliContext ctx;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    CompletionCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        ctx.out().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        ctx.out().flush();
        return 0;
    }
}
