package io.fastgpu.cli;

import io.fastgpu.api.ExecResult;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.RunOptions;
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
        if (raw) {
            TaskRuntime t = fg.task(selected.get(0).provider(), selected.get(0).instance());
            ExecResult r = t.runWithOutput(cmd);
            ctx.out().print(r.stdout());
            ctx.out().flush();
            ctx.err().print(r.stderr());
            ctx.err().flush();
            return r.exitCode() == 0 ? 0 : 1;
        }
        RunOptions opts = RunOptions.DEFAULT.streaming().ignoringErrors();
        if (timeoutSeconds != null) opts = opts.withTimeout(Duration.ofSeconds(timeoutSeconds));
        RunOptions o = opts;
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        Lifecycle.each(selected, s -> {
            int rc = fg.task(s.provider(), s.instance()).run(cmd, o);
            if (rc != 0) failed.add(s.instance().name() + " exited with " + rc);
        }, failed);
        failed.stream().sorted().forEach(f -> ctx.err().println(ctx.style().red("error: ") + f));
        return failed.isEmpty() ? 0 : 1;
    }
}
