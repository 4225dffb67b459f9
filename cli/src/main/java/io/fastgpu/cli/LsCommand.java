package io.fastgpu.cli;

import io.fastgpu.api.Instance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fastgpu ls}: the instances, in the original's table. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List running instances (with --stop, stopped ones too).")
final class LsCommand implements Callable<Integer> {
    private static final String[] HEADERS = {"Instance Name", "Age(hr)", "Public IP", "Private IP", "GPU", "Instance Type", "State"};

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = {"-s", "--stop"}, description = "Include stopped instances.")
    boolean includeStopped;

    @Option(names = "--json", description = "Print JSON, one object per instance, for scripts.")
    boolean json;

    LsCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var fg = ctx.fastGpu();
        List<Instance> shown = new ArrayList<>();
        for (String backend : fg.providers().names()) {
            List<Instance> all = fg.provider(backend).list();
            fg.state().upsertInstances(backend, all);
            // Reachability and GPUs, where only asking the machines tells (ssh hosts).
            shown.addAll(fg.provider(backend).probe(all.stream().filter(i -> includeStopped || i.state().isRunning()).toList()));
        }
        shown.sort(Comparator.comparing(Instance::backend).thenComparing(Instance::name));
        Instant now = Instant.now();
        if (json) {
            ctx.out().println(Json.instances(shown, now));
            return 0;
        }
        ctx.out().println("Backends: " + String.join(", ", fg.providers().names()));
        ctx.out().println(includeStopped ? "All Instances:" : "Running Instances:");
        List<String[]> rows = new ArrayList<>();
        for (Instance i : shown) {
            rows.add(new String[]{i.name(), i.createdAt().equals(Instant.EPOCH) ? "-" : String.format(Locale.ROOT, "%.1f", i.ageHours(now)), dash(i.publicIp()),
                    dash(i.privateIp()), i.gpu(), i.instanceType(), i.state().label()});
        }
        table(rows);
        if (shown.isEmpty()) {
            ctx.out().println(includeStopped ? "(none)" : "(none running; 'fastgpu ls --stop' includes stopped ones)");
        }
        return 0;
    }

    private void table(List<String[]> rows) {
        int[] w = new int[HEADERS.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = HEADERS[c].length();
            for (String[] r : rows) w[c] = Math.max(w[c], r[c].length());
        }
        int total = 0;
        for (int x : w) total += x + 3;
        String rule = "-".repeat(total);
        ctx.out().println(rule);
        ctx.out().println(row(HEADERS, w));
        ctx.out().println(rule);
        rows.forEach(r -> ctx.out().println(row(r, w)));
    }

    private static String row(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) sb.append(" | ");
            sb.append(String.format("%-" + w[c] + "s", cells[c]));
        }
        return sb.toString().stripTrailing();
    }

    private static String dash(String s) { return s.isEmpty() ? "-" : s; }
}
