package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.launch.CostLimits;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.LeftoverSweep;
import io.fastgpu.core.state.JobRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code fastgpu sweep [--release]}: what FastGPU made in each cloud account and no known job accounts for. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"List what FastGPU made in each cloud account (tagged as yours) that no known job accounts for:",
                "instances, key pairs, security groups, vSwitches, VPCs, with their cost per hour; --release removes them."})
final class SweepCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = "--release", description = "Remove them, dependents first, after one y/N question.")
    boolean release;

    @Option(names = {"--yes", "-y"}, description = "With --release: do not ask.")
    boolean yes;

    SweepCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var fg = ctx.fastGpu();
        record Found(Provider provider, LeftoverSweep sweep, List<LeftoverSweep.Leftover> leftovers) { }
        List<Found> found = new ArrayList<>();
        int total = 0;
        int skipped = 0;
        double hourly = 0;
        for (String name : fg.providers().names()) {
            Provider p = fg.provider(name);
            var sweep = p.capabilities().facet(LeftoverSweep.class);
            if (sweep.isEmpty() || !p.configured()) continue;
            Set<String> known = fg.state().jobs().stream().filter(j -> j.backend().equals(name)).map(JobRecord::name)
                    .collect(Collectors.toSet());
            LeftoverSweep.Inventory inv = sweep.get().inventory(known);
            List<LeftoverSweep.Leftover> list = new ArrayList<>(inv.leftovers());
            list.sort(Comparator.comparingInt(LeftoverSweep.Leftover::order).thenComparing(LeftoverSweep.Leftover::id));
            skipped += inv.skipped();
            ctx.out().println("Backend " + name + " (" + sweep.get().scope() + "):");
            List<String[]> rows = new ArrayList<>();
            for (var l : list) {
                rows.add(new String[]{l.kind(), l.id(), l.name().isEmpty() ? "-" : l.name(), l.state().isEmpty() ? "-" : l.state(),
                        l.hourlyPrice() > 0 ? CostLimits.money(l.hourlyPrice()) : "0"});
                hourly += l.hourlyPrice();
            }
            if (list.isEmpty()) {
                ctx.out().println("  (no leftovers)");
            } else {
                ctx.out().print(Table.render(new String[]{"Kind", "Id", "Name", "State", "Per hour"}, rows));
            }
            total += list.size();
            found.add(new Found(p, sweep.get(), list));
        }
        ctx.out().println(total + " leftover(s) of yours that no known job accounts for, about " + CostLimits.money(hourly)
                + " per hour; " + skipped + " resource(s) without your FastGPU tags skipped (never touched).");
        if (!release || total == 0) {
            if (total > 0) ctx.out().println("'fastgpu sweep --release' removes them.");
            return 0;
        }
        if (!yes && !ctx.confirm("Release these " + total + " resource(s)? (y/N)", false)) {
            ctx.err().println("Nothing was released.");
            return 1;
        }
        List<String> failures = new ArrayList<>();
        for (Found f : found) {
            for (var l : f.leftovers()) { // in order: instances, key pairs, security groups, vSwitches, VPCs
                try {
                    f.sweep().release(l);
                    ctx.out().println("released " + l.kind() + " " + l.id() + (l.name().isEmpty() ? "" : " (" + l.name() + ")"));
                } catch (FastGpuException e) {
                    failures.add(l.kind() + " " + l.id() + ": " + e.getMessage());
                }
            }
        }
        if (!failures.isEmpty()) throw new FastGpuException("could not release " + String.join("; ", failures));
        return 0;
    }
}
