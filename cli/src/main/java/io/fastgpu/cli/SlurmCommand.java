package io.fastgpu.cli;

import io.fastgpu.core.spi.facet.Scheduler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fastgpu slurm}: views of the Slurm clusters jobs run on. */
@Command(name = "slurm", mixinStandardHelpOptions = true, description = "Views of the Slurm clusters in ~/.fastgpu/clusters.",
        subcommands = {SlurmCommand.Info.class})
final class SlurmCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** {@code fastgpu slurm info CLUSTER}: partitions with free and total nodes and GPUs. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Partitions of a Slurm cluster: free/total nodes and GPUs, time limit.")
    static final class Info implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin GlobalOptions global;

        @Mixin JsonOption output;

        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster (~/.fastgpu/clusters/CLUSTER.yaml).")
        String cluster;

        Info(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            Scheduler s = Facets.require(ctx, Scheduler.class, "slurm info");
            List<Scheduler.Partition> parts = s.partitions(cluster);
            if (output.json) {
                ctx.out().println(Json.list(parts.stream().map(p -> Json.object("partition", p.name(), "default", p.isDefault(),
                        "state", p.state(), "nodes_free", p.nodesFree(), "nodes_total", p.nodesTotal(), "gpus_free", p.gpusFree(),
                        "gpus_total", p.gpusTotal(), "time_limit", p.maxTime())).toList()));
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            for (Scheduler.Partition p : parts) {
                rows.add(new String[]{p.name() + (p.isDefault() ? "*" : ""), p.state(), p.nodesFree() + "/" + p.nodesTotal(),
                        p.gpusFree() + "/" + p.gpusTotal(), p.maxTime()});
            }
            ctx.out().println("Slurm cluster " + cluster);
            Table.print(ctx.out(), new String[]{"Partition", "State", "Nodes free/total", "GPUs free/total", "Time limit"}, rows);
            ctx.out().println("* the default partition");
            return 0;
        }
    }
}
