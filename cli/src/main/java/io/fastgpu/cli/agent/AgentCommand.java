package io.fastgpu.cli.agent;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.cli.CliContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code fastgpu agent status|stop} (and the hidden {@code run}, which is the agent). */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"The resident agent: keeps connections open and the JVM warm between commands.",
                "Started on demand by exec, launch, scp, ls and logs; exits after 15 minutes idle (FASTGPU_AGENT_IDLE)."
                        + " FASTGPU_AGENT=off runs every command in its own process."},
        subcommands = {AgentCommand.Status.class, AgentCommand.Stop.class, AgentCommand.Run.class})
public final class AgentCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public AgentCommand() { }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** {@code fastgpu agent status}: whether an agent serves this home, since when, and where it logs. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether an agent serves this FastGPU home.")
    public static final class Status implements Callable<Integer> {
        private final CliContext ctx;

        public Status(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            AgentHome files = AgentHome.of(ctx.home());
            Optional<AgentHome.Running> r = files.running().filter(a -> ProcessHandle.of(a.pid()).map(AgentClient::isAgent).orElse(false));
            if (r.isEmpty()) {
                ctx.out().println("no agent is running for " + ctx.home()
                        + (java.nio.file.Files.exists(files.unavailable()) ? " (it cannot run here: commands run in their own process)" : ""));
                return 0;
            }
            AgentHome.Running a = r.get();
            Duration up = Duration.ofMillis(System.currentTimeMillis() - a.startedMillis());
            ctx.out().println("agent running for " + ctx.home() + ": pid " + a.pid() + ", build " + a.build()
                    + (a.build().equals(AgentHome.build()) ? "" : " (another build: the next command replaces it)")
                    + ", up " + up.toSeconds() + " s since " + Instant.ofEpochMilli(a.startedMillis()) + ", log " + files.log());
            return 0;
        }
    }

    /** {@code fastgpu agent stop}: ends the agent (its running commands end as if their process was stopped). */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the agent of this FastGPU home.")
    public static final class Stop implements Callable<Integer> {
        private final CliContext ctx;

        public Stop(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() throws IOException {
            AgentHome files = AgentHome.of(ctx.home());
            java.nio.file.Files.deleteIfExists(files.unavailable()); // tried again by the next command
            Optional<AgentHome.Running> r = files.running();
            if (r.isPresent() && AgentClient.stop(r.get().pid())) {
                ctx.out().println("stopped the agent (pid " + r.get().pid() + ")");
            } else {
                ctx.out().println("no agent is running for " + ctx.home());
            }
            return 0;
        }
    }

    /** {@code fastgpu agent run}: the agent itself, in the foreground (commands start it detached). */
    @Command(name = "run", hidden = true, description = "Run the agent in the foreground.")
    public static final class Run implements Callable<Integer> {
        private final CliContext ctx;

        public Run(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() { return serve(ctx.home(), ctx.env()); }

        /**
         * Serves {@code home} until idle, logging to standard output; the exit code, with a bad setting or a home it
         * cannot use said in one line on standard error. The CLI's main calls it directly for {@code agent run}.
         */
        public static int serve(java.nio.file.Path home, java.util.Map<String, String> env) {
            try {
                PrintStream log = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                        java.nio.charset.StandardCharsets.UTF_8);
                return AgentServer.serve(home, env, log);
            } catch (io.fastgpu.api.InvalidSpecException e) {
                System.err.println("error: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            } catch (IOException | FastGpuException e) {
                System.err.println("error: the agent cannot start in " + home + ": " + e.getMessage()
                        + "; FASTGPU_AGENT=off runs commands without it");
                return 1;
            }
        }
    }
}
