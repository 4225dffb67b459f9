package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fastgpu ssh NAME}: an interactive shell on the instance. */
@Command(name = "ssh", mixinStandardHelpOptions = true,
        description = "Open an interactive shell on an instance (local: a shell in its home folder).")
final class SshCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "Run this instead of an interactive shell.")
    List<String> command;

    SshCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var s = InstanceSelector.one(ctx.fastGpu(), name);
        var task = ctx.fastGpu().task(s.provider(), s.instance());
        String remote = command == null ? null : String.join(" ", command);
        return Interactive.run(ctx, task.transportCommand(remote));
    }

    /** Runs a local command attached to this terminal and returns its exit code. */
    static final class Interactive {
        private Interactive() { }

        static int run(CliContext ctx, List<String> argv) {
            ctx.out().flush();
            ctx.err().flush();
            try {
                return new ProcessBuilder(argv).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new FastGpuException("cannot open a session: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
    }
}
