package io.fastgpu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The top-level command: lists the subcommands. */
@Command(name = "fastgpu", mixinStandardHelpOptions = true, version = "fastgpu 0.1.0",
        description = "Takes training code and data to a trained model on GPU machines with one command,"
                + " and stops the machines when the work is done.",
        subcommands = {LaunchCommand.class, LsCommand.class, CreateCommand.class, StartCommand.class, StopCommand.class, KillCommand.class, AutostopCommand.class, SweepCommand.class, CostCommand.class,
                RenameCommand.class, ExecCommand.class, SshCommand.class, TmuxCommand.class, ScpCommand.class,
                LogsCommand.class, RunsCommand.class, CancelCommand.class, ControllerCommand.class, MetricsCommand.class, ModelsCommand.class, AddIpCommand.class, MountCommand.class, QueryGpuCommand.class, QueryImageCommand.class, ForgetHostCommand.class, SlurmCommand.class, EmulatorCommand.class, TioneCommand.class, UiCommand.class, CompletionCommand.class, io.fastgpu.cli.agent.AgentCommand.class, CommandLine.HelpCommand.class})
public final class FastGpuCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
