package io.fastgpu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The top-level command. Its subcommands are added by {@link Main} ({@link #SUBCOMMANDS}): only the one a command line
 * names, so that a command builds the model of one command, not of all of them.
 */
@Command(name = "fastgpu", mixinStandardHelpOptions = true, version = "fastgpu 0.1.0",
        description = "Takes training code and data to a trained model on GPU machines with one command,"
                + " and stops the machines when the work is done.")
public final class FastGpuCommand implements java.util.concurrent.Callable<Integer> {
    /** Every subcommand, in the order the usage help lists them. */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(LaunchCommand.class, LsCommand.class,
            CreateCommand.class, StartCommand.class, StopCommand.class, KillCommand.class, AutostopCommand.class,
            SweepCommand.class, CostCommand.class, RenameCommand.class, ExecCommand.class, SshCommand.class,
            TmuxCommand.class, ScpCommand.class, LogsCommand.class, RunsCommand.class, CancelCommand.class,
            ControllerCommand.class, MetricsCommand.class, ModelsCommand.class, AddIpCommand.class, MountCommand.class,
            QueryGpuCommand.class, QueryImageCommand.class, ForgetHostCommand.class, SlurmCommand.class,
            EmulatorCommand.class, TioneCommand.class, UiCommand.class, CompletionCommand.class,
            io.fastgpu.cli.agent.AgentCommand.class, CommandLine.HelpCommand.class);

    /**
     * The subcommands a command line needs: the one it names, or all of them where more than one is read (the usage
     * help, {@code help}, {@code completion}, a name that is none of them and the suggestions for it).
     */
    static java.util.List<Class<?>> needed(String[] args) {
        if (args.length == 0) return SUBCOMMANDS;
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command.name().equals(args[0]) || java.util.Arrays.asList(command.aliases()).contains(args[0])) {
                return c == CommandLine.HelpCommand.class || c == CompletionCommand.class ? SUBCOMMANDS : java.util.List.of(c);
            }
        }
        return SUBCOMMANDS;
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
