package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.cost.InstancePrices;
import io.fastgpu.core.cost.SpendReport;
import io.fastgpu.core.spi.facet.Probing;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.util.DurationText;
import io.fastgpu.core.util.Parallel;
import java.time.Duration;
import io.fastgpu.core.spi.facet.SharedAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fastgpu ls}: the instances, in the original's table. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List running instances (with --stop, stopped ones too).",
        resourceBundle = "io.fastgpu.cli.LsCommand")
final class LsCommand implements Callable<Integer> {
    private static final String[] HEADERS = {"Instance Name", "Age(hr)", "Public IP", "Private IP", "GPU", "Instance Type", "State"};
    private static final String[] ALL_HEADERS = {"Instance Name", "Age(hr)", "Public IP", "Private IP", "GPU", "Instance Type", "State",
            "Owner", "Instance Id"};

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = {"-s", "--stop"}, description = "Include stopped instances.")
    boolean includeStopped;

    @Mixin JsonOption output;

    @Option(names = {"-a", "--all"}, description = "Cloud instances of every owner, with the owner and instance id.")
    boolean allOwners;

    LsCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var fg = ctx.fastGpu();
        Instant now = Instant.now();
        List<Instance> everything = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String backend : fg.providers().names()) {
            Provider p = fg.provider(backend);
            if (!p.configured()) continue;
            List<Instance> all;
            try {
                var account = p.capabilities().facet(SharedAccount.class);
                all = allOwners && account.isPresent() ? account.get().listAllOwners() : p.list();
            } catch (FastGpuException e) {
                notes.add(backend + ": " + e.getMessage());
                continue;
            }
            try {
                fg.state().upsertInstances(backend, all);
            } catch (FastGpuException e) {
                // Listing is a read: a state database that cannot be written (a full disk) must not hide the machines.
                ctx.err().println(ctx.style().yellow("warning: ") + "the listing of " + backend + " is not recorded: " + e.getMessage());
            }
            // Reachability and GPUs, where only asking the machines tells (ssh hosts).
            // A queued Slurm allocation is shown too: its type column says why it waits.
            List<Instance> listed = all.stream().filter(i -> includeStopped || i.state().isRunning()
                    || i.state() == io.fastgpu.api.InstanceState.PENDING).toList();
            List<Instance> shown = new ArrayList<>(p.capabilities().facet(Probing.class).map(f -> f.probe(listed)).orElse(listed));
            shown.sort(Comparator.comparing(Instance::name));
            everything.addAll(shown);
            if (shown.isEmpty()) continue;
            text.append(p.capabilities().facet(SharedAccount.class).map(SharedAccount::scope).orElse("Backend " + backend)).append('\n');
            text.append(includeStopped ? "All Instances:" : "Running Instances:").append('\n');
            Map<String, Watchdog.Status> guards = watchdogs(p, shown);
            List<String[]> rows = new ArrayList<>();
            double hourly = 0;
            double soFar = 0;
            // One price lookup per instance type (the cloud's price API is rate-limited), the one 'fastgpu cost' makes.
            InstancePrices prices = new InstancePrices();
            Map<String, Double> ranHours;
            try {
                ranHours = SpendReport.runningHours(fg.state(), backend, now);
            } catch (FastGpuException e) {
                ranHours = Map.of(); // an unreadable state database: each instance's age stands in
            }
            for (Instance i : shown) {
                List<String> cells = new ArrayList<>(List.of(i.name(), i.createdAt().equals(Instant.EPOCH) ? "-"
                        : String.format(Locale.ROOT, "%.1f", i.ageHours(now)), dash(i.publicIp()), dash(i.privateIp()), i.gpu(),
                        i.instanceType(), i.state().label()));
                if (allOwners) {
                    cells.add(i.tags().getOrDefault(Tags.OWNER, "-"));
                    cells.add(i.id());
                }
                if (!guards.isEmpty()) {
                    Watchdog.Status g = guards.get(i.id());
                    cells.add(g == null ? "-" : g.running() ? g.idleLabel() : g.idleLabel() + " (not running)");
                    cells.add(g == null || g.idle().equals("off") ? "-" : g.busy().isEmpty()
                            ? DurationText.format(Duration.ofSeconds(g.idleFor())) : "busy");
                }
                rows.add(cells.toArray(String[]::new));
                if (i.state().isRunning()) {
                    double price = prices.hourly(p, i); // a managed task's nodes included
                    if (price > 0) {
                        hourly += price;
                        // Its running hours as the state store recorded them (what 'fastgpu cost' counts), else its age.
                        soFar += price * ranHours.getOrDefault(i.id(), i.ageHours(now));
                    }
                }
            }
            table(text, rows, !guards.isEmpty());
            if (hourly > 0) {
                text.append(String.format(Locale.ROOT, "Running cost: about %.2f per hour; about %s so far"
                        + " (each running instance's running hours x its hourly price; 'fastgpu cost' has the details)%n", hourly,
                        io.fastgpu.core.launch.CostLimits.money(soFar)));
            }
        }
        everything.sort(Comparator.comparing(Instance::backend).thenComparing(Instance::name));
        if (output.json) {
            ctx.out().println(Json.instances(everything, now));
        } else {
            if (everything.isEmpty()) {
                text.append(includeStopped ? "All Instances:" : "Running Instances:").append('\n');
                table(text, List.of(), false);
                text.append(includeStopped ? "(none)" : "(none running; 'fastgpu ls --stop' includes stopped ones)").append('\n');
            }
            ctx.out().print(text);
        }
        for (String n : notes) ctx.err().println(ctx.style().yellow("warning: ") + "not listed: " + n);
        return 0;
    }

    private void table(StringBuilder out, List<String[]> rows, boolean guarded) {
        List<String> headers = new ArrayList<>(List.of(allOwners ? ALL_HEADERS : HEADERS));
        if (guarded) headers.addAll(List.of("Autostop", "Idle"));
        out.append(Table.render(headers.toArray(String[]::new), rows));
    }

    /** What the watchdog on each running machine reports (autostop setting, idle so far), asked in parallel. */
    private Map<String, Watchdog.Status> watchdogs(Provider p, List<Instance> shown) {
        if (p.capabilities().facet(SelfStop.class).isEmpty()) return Map.of();
        Map<String, Watchdog.Status> result = new java.util.concurrent.ConcurrentHashMap<>();
        Parallel.each(shown.stream().filter(i -> i.state().isRunning()).toList(), i -> {
            Watchdog.status(ctx.fastGpu().task(p, i)).ifPresent(st -> result.put(i.id(), st));
            return null;
        });
        return result;
    }

    private static String dash(String s) { return s.isEmpty() ? "-" : s; }
}
