package io.fastgpu.cli;

import io.fastgpu.api.ExecResult;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.RunOptions;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.InputCopies;
import io.fastgpu.core.runtime.TaskRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fastgpu exec NAME -- CMD}: one command on one task or a group, in the task's shell state. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command on an instance or a {suffix} group, in parallel; output is prefixed per task.",
                "The command runs in the task's shell state (its working directory and exported variables)."})
final class ExecCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name, or {suffix}.")
    String name;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "The command (after --).")
    List<String> command;

    @Option(names = "--raw", description = "Print the output as is, without task prefixes (one instance only).")
    boolean raw;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Kill the command after this many seconds (1 to a year).")
    Long timeoutSeconds;

    @Option(names = {"-i", "--stdin"}, description = {"Pass this command's standard input to the command, as 'ssh HOST CMD'"
            + " does (on a group, each instance gets a copy). Without it the command reads end of input at once."})
    boolean stdin;

    /** A year: longer is no limit at all, and would overflow the clocks that measure it. */
    private static final long MAX_TIMEOUT_SECONDS = 366L * 24 * 3600;

    ExecCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        if (timeoutSeconds != null && (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            throw new InvalidSpecException("--timeout must be 1.." + MAX_TIMEOUT_SECONDS + " seconds, was " + timeoutSeconds
                    + "; leave it out to let the command run as long as it takes");
        }
        var fg = ctx.fastGpu();
        var selected = raw ? List.of(InstanceSelector.one(fg, name)) : InstanceSelector.select(fg, name);
        String cmd = String.join(" ", command);
        try (InputCopies input = stdin ? new InputCopies(ctx.stdin(), selected.size()) : null) {
            return raw ? runRaw(fg.task(selected.get(0).provider(), selected.get(0).instance()), cmd, input)
                    : runOnEach(fg, selected, cmd, input);
        }
    }

    private RunOptions options(InputCopies input, int i) {
        RunOptions o = RunOptions.DEFAULT;
        if (timeoutSeconds != null) o = o.withTimeout(Duration.ofSeconds(timeoutSeconds));
        return input == null ? o : o.withInput(input.copy(i));
    }

    private int runRaw(TaskRuntime t, String cmd, InputCopies input) {
        ExecResult r = t.runWithOutput(cmd, options(input, 0));
        ctx.out().print(r.stdout());
        ctx.out().flush();
        ctx.err().print(r.stderr());
        ctx.err().flush();
        return r.exitCode() == 0 ? 0 : 1;
    }

    private int runOnEach(FastGpu fg, List<InstanceSelector.Selected> selected, String cmd, InputCopies input) {
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        Lifecycle.each(selected, s -> {
            int i = input == null ? 0 : selected.indexOf(s);
            try {
                int rc = fg.task(s.provider(), s.instance()).run(cmd, options(input, i).streaming().ignoringErrors());
                if (rc != 0) failed.add(s.instance().name() + " exited with " + rc);
            } finally {
                if (input != null) input.close(i);
            }
        }, failed);
        failed.stream().sorted().forEach(f -> ctx.err().println(ctx.style().red("error: ") + f));
        return failed.isEmpty() ? 0 : 1;
    }
}
