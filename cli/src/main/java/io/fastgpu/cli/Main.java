package io.fastgpu.cli;

import io.fastgpu.core.runtime.FastGpu;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code fastgpu} program. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        Path home = FastGpu.defaultHome();
        // The resident agent, as its clients start it: straight to its server, without building the command line's
        // model first (its warm-up does that on the other core while the first command is on its way).
        if (args.length == 2 && args[0].equals("agent") && args[1].equals("run")) {
            System.exit(io.fastgpu.cli.agent.AgentCommand.Run.serve(home, System.getenv()));
        }
        Path workDir = Path.of("").toAbsolutePath();
        boolean terminal = System.console() != null;
        // Commands that connect to machines run in the home's resident agent, unless it is off or cannot run here.
        var viaAgent = io.fastgpu.cli.agent.AgentClient.run(args, home, workDir, System.getenv(), terminal);
        if (viaAgent.isPresent()) System.exit(viaAgent.get());
        int code = run(args, home, workDir, System.in, System.out, System.err, terminal);
        System.exit(code);
    }

    /** Runs one command line; the exit code is 0 ok, 1 failure, 2 usage. */
    public static int run(String[] args, Path home, Path workDir, InputStream in, OutputStream out, OutputStream err,
                          boolean terminal) {
        return run(args, home, workDir, in, out, err, terminal, System.getenv());
    }

    /** Like {@link #run(String[], Path, Path, InputStream, OutputStream, OutputStream, boolean)} with the environment given. */
    public static int run(String[] args, Path home, Path workDir, InputStream in, OutputStream out, OutputStream err,
                          boolean terminal, java.util.Map<String, String> env) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try (CliContext ctx = new CliContext(home, workDir, in, o, e, terminal, env)) {
            // A managed run whose controller was killed is carried on by the next command that notices.
            if (args.length > 0 && !args[0].equals(ControllerCommand.NAME) && !args[0].equals("cancel")
                    && !(args[0].equals("runs") && java.util.Arrays.asList(args).contains("--recover"))) {
                ControllerSpawner.recoverOrphans(ctx);
            }
            return commandLine(ctx, args).execute(args);
        }
    }

    /**
     * Loads and runs once, with no effect, what every command runs first: the command line's model and its parsing. A
     * resident agent does it on its other core while its first command is on the way.
     */
    public static void warmUp(Path home) {
        PrintWriter nowhere = new PrintWriter(java.io.Writer.nullWriter());
        try (CliContext ctx = new CliContext(home, home, InputStream.nullInputStream(), nowhere, nowhere, false,
                java.util.Map.of())) {
            String[] args = {"exec", "{warm}", "--", "true"};
            commandLine(ctx, args).parseArgs(args);
        }
    }

    /** The command line's model for {@code args}: the top-level command and the subcommands they need. */
    static CommandLine commandLine(CliContext ctx, String[] args) {
        ContextFactory factory = new ContextFactory(ctx);
        CommandLine cl = new CommandLine(new FastGpuCommand(), factory);
        for (Class<?> sub : FastGpuCommand.needed(args)) cl.addSubcommand(sub);
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorTranslator(ctx));
        cl.setParameterExceptionHandler((ex, a) -> {
            ctx.err().println("error: " + ex.getMessage());
            ctx.err().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return CommandLine.ExitCode.USAGE;
        });
        return cl;
    }

    /** Gives each command the context through its constructor. */
    private record ContextFactory(CliContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
