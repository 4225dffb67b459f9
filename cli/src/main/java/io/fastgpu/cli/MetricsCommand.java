package io.fastgpu.cli;

import io.fastgpu.core.metrics.MetricSeries;
import io.fastgpu.core.metrics.RunMetrics;
import io.fastgpu.core.state.MetricPoint;
import io.fastgpu.core.state.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code fastgpu metrics RUN [RUN...] [--json|--csv]}: a run's training metrics, collected from its machines first. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Show a run's training metrics: the latest value and a small chart of each; several runs side by side."
                + " What the run's machines hold that was not collected yet is collected first.")
final class MetricsCommand implements Callable<Integer> {
    private static final int CHART = 40;

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run name (its newest run), log folder name (gtc-demo.01) or run id;"
            + " several to compare them.")
    List<String> runs;

    @Option(names = "--json", description = "Print every metric with its points as JSON.")
    boolean json;

    @Option(names = "--csv", description = "Print every point as CSV: run_id,run_name,task,step,restart,name,value,epoch,step_no,at,source.")
    boolean csv;

    MetricsCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        if (json && csv) throw new io.fastgpu.api.InvalidSpecException("--json and --csv: choose one");
        RunMetrics metrics = new RunMetrics(ctx.fastGpu());
        List<RunRecord> found = new ArrayList<>();
        for (String r : runs) found.add(metrics.run(r));
        for (RunRecord r : found) {
            RunMetrics.Collected c = metrics.collect(r);
            c.skipped().forEach(ctx.err()::println);
            if (RunRecord.RUNNING.equals(r.status()) && !c.notReached().isEmpty()) {
                ctx.err().println("metrics: not collected now from " + String.join(", ", c.notReached())
                        + "; showing what was collected before");
            }
        }
        PrintWriter out = ctx.out();
        if (csv) {
            printCsv(found, out);
        } else if (json) {
            List<Object> all = new ArrayList<>();
            for (RunRecord r : found) all.add(runJson(r, metrics.series(r.id(), 100_000)));
            out.println(Json.list(all));
        } else if (found.size() == 1) {
            printOne(found.get(0), metrics.series(found.get(0).id(), 1000), out);
        } else {
            printCompared(found, metrics, out);
        }
        out.flush();
        ctx.err().flush();
        return 0;
    }

    private void printOne(RunRecord r, List<MetricSeries> series, PrintWriter out) {
        out.println("Run " + label(r) + ", " + r.status());
        if (series.isEmpty()) {
            out.println("No metrics yet. A training script reports them with 'from fastgpu import metrics; metrics.push({...})',"
                    + " JSON lines appended to $FASTGPU_METRICS_FILE, or the job file's 'metrics:' regexes.");
            return;
        }
        boolean unicode = ctx.terminal();
        List<String[]> rows = new ArrayList<>();
        for (MetricSeries s : series) {
            MetricPoint l = s.latest();
            rows.add(new String[] {Sparkline.text(s.name()), Sparkline.number(l.value()), l.epoch() == null ? "" : String.valueOf(l.epoch()),
                    Sparkline.number(s.min()), Sparkline.number(s.max()), String.valueOf(s.count()),
                    Sparkline.of(s.points().stream().map(MetricPoint::value).toList(), CHART, unicode)});
        }
        Table.print(out, new String[] {"Metric", "Latest", "Epoch", "Min", "Max", "Points", "Chart (oldest to newest)"}, rows);
    }

    private void printCompared(List<RunRecord> found, RunMetrics metrics, PrintWriter out) {
        boolean unicode = ctx.terminal();
        Map<Long, Map<String, MetricSeries>> byRun = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (RunRecord r : found) {
            Map<String, MetricSeries> m = new LinkedHashMap<>();
            for (MetricSeries s : metrics.series(r.id(), 1000)) {
                m.put(s.name(), s);
                names.add(s.name());
            }
            byRun.put(r.id(), m);
        }
        String[] headers = new String[found.size() + 1];
        headers[0] = "Metric";
        for (int i = 0; i < found.size(); i++) headers[i + 1] = label(found.get(i));
        List<String[]> rows = new ArrayList<>();
        for (String name : names) {
            String[] row = new String[headers.length];
            row[0] = Sparkline.text(name);
            for (int i = 0; i < found.size(); i++) {
                MetricSeries s = byRun.get(found.get(i).id()).get(name);
                row[i + 1] = s == null ? "-" : Sparkline.number(s.latest().value()) + " "
                        + Sparkline.of(s.points().stream().map(MetricPoint::value).toList(), 16, unicode);
            }
            rows.add(row);
        }
        Table.print(out, headers, rows);
    }

    private static String label(RunRecord r) {
        String d = r.logdir() == null || r.logdir().isEmpty() ? r.runName() : r.logdir().substring(r.logdir().lastIndexOf('/') + 1);
        return d + " (run " + r.id() + ")";
    }

    private static Map<String, Object> runJson(RunRecord r, List<MetricSeries> series) {
        List<Object> ms = new ArrayList<>();
        for (MetricSeries s : series) {
            List<Object> points = new ArrayList<>();
            for (MetricPoint p : s.points()) {
                points.add(Json.object("value", p.value(), "epoch", p.epoch(), "step", p.stepNo(), "at", p.at().toString(),
                        "task", p.task(), "step_name", p.step(), "restart", p.restart(), "source", p.source()));
            }
            ms.add(Json.object("name", s.name(), "latest", s.latest().value(), "count", s.count(), "points", points));
        }
        return Json.object("run_id", r.id(), "run_name", r.runName(), "status", r.status(), "metrics", ms);
    }

    private void printCsv(List<RunRecord> found, PrintWriter out) {
        out.println("run_id,run_name,task,step,restart,name,value,epoch,step_no,at,source");
        for (RunRecord r : found) {
            long after = 0;
            List<MetricPoint> page;
            while (!(page = ctx.fastGpu().state().metrics().of(r.id(), after, 10_000)).isEmpty()) {
                for (MetricPoint p : page) {
                    out.println(r.id() + "," + csv(r.runName()) + "," + p.task() + "," + csv(p.step()) + "," + p.restart() + ","
                            + csv(p.name()) + "," + p.value() + "," + (p.epoch() == null ? "" : p.epoch()) + ","
                            + (p.stepNo() == null ? "" : p.stepNo()) + "," + p.at() + "," + p.source());
                    after = p.id();
                }
            }
        }
    }

    /** A CSV field: quoted when it holds a comma, a quote or a line break. */
    static String csv(String s) {
        return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
