package io.fastgpu.cli;

import io.fastgpu.transport.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fastgpu forget-host HOST}: drop a pinned SSH host key after a machine was reinstalled. */
@Command(name = "forget-host", mixinStandardHelpOptions = true,
        description = {"Forget the pinned SSH host key of a machine that was really reinstalled,",
                "so the next connection pins its new key. FastGPU refuses changed keys until then."})
final class ForgetHostCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "HOST", description = "Host name or address, or [host]:port.")
    String host;

    ForgetHostCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var file = ctx.home().resolve("known_hosts");
        if (SshConnector.forgetHost(file, host)) {
            ctx.out().println("forgot the host key of " + host + "; the next connection pins the key it offers");
            return 0;
        }
        ctx.err().println("no pinned host key for " + host + " in " + file);
        return 1;
    }
}
