package io.fastgpu.core.metrics;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.TaskNames;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.state.MetricPoint;
import io.fastgpu.core.state.RunRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The metrics of runs, for the CLI, the dashboard and library users: {@link #collect} brings in what the run's
 * machines hold that the store has not seen yet (their metrics files, read from where the last collection stopped),
 * {@link #series} reads them back per metric. Collecting is safe at any time, from any number of clients: a point
 * is stored once.
 *
 * <pre>{@code
 * RunMetrics metrics = new RunMetrics(fg);
 * RunRecord run = metrics.run("gtc-demo");
 * metrics.collect(run);
 * for (MetricSeries s : metrics.series(run.id(), 200)) System.out.println(s.name() + " " + s.latest().value());
 * }</pre>
 */
public final class RunMetrics {
    private final FastGpu fg;

    public RunMetrics(FastGpu fg) { this.fg = fg; }

    /**
     * What one collection did.
     *
     * @param added      how many points were new
     * @param notReached the run's machines that could not be read now, each with the reason (a stopped machine's
     *                   metrics were collected when its launch ended, or are when it runs again)
     * @param skipped    one line per kind of value that was skipped (not a number, NaN, ...)
     */
    public record Collected(int added, List<String> notReached, List<String> skipped) {
        public Collected {
            notReached = List.copyOf(notReached);
            skipped = List.copyOf(skipped);
        }
    }

    /** The run named {@code runNameOrId}: a run name (its newest run), a log folder name such as gtc-demo.01, or an id. */
    public RunRecord run(String runNameOrId) {
        Optional<RunRecord> r = runNameOrId.matches("\\d+") ? fg.state().run(Long.parseLong(runNameOrId))
                : fg.state().latestRun(runNameOrId);
        return r.orElseThrow(() -> new NotFoundException("no run '" + runNameOrId.replaceAll("\\p{Cntrl}", "?")
                + "'; runs are named after their job (or run_name), or given by id; 'fastgpu launch' records them"));
    }

    /** Collects the new points of {@code run} from those of its machines that run now. */
    public Collected collect(RunRecord run) {
        MetricProblems problems = new MetricProblems();
        List<String> notReached = new ArrayList<>();
        int added = 0;
        if (run.logdir() == null || run.logdir().isEmpty()) return new Collected(0, notReached, problems.summary());
        List<Instance> machines;
        Provider provider;
        try {
            provider = fg.provider(run.backend());
            var training = provider.capabilities().facet(io.fastgpu.core.launch.ManagedTraining.class);
            if (training.isPresent()) { // a managed task: what its script pushed to the platform
                var task = TaskMetrics.taskOf(fg.state(), run.id());
                if (task.isPresent()) added = TaskMetrics.collect(fg.state(), training.get(), run.id(), task.get());
                return new Collected(added, notReached, problems.summary());
            }
            machines = provider.list().stream().filter(i -> TaskNames.jobOf(i.name()).filter(run.job()::equals).isPresent())
                    .sorted(Comparator.comparing(Instance::name)).toList();
        } catch (FastGpuException e) {
            notReached.add("backend " + run.backend() + " (" + e.getMessage() + ")");
            return new Collected(0, notReached, problems.summary());
        }
        MetricsCollector collector = new MetricsCollector(fg.state(), problems, EventListener.NONE);
        boolean shared = provider.capabilities().sharedRunRoot();
        boolean readOne = false;
        for (Instance i : machines) {
            if (!i.state().isRunning()) {
                notReached.add(i.name() + " (" + i.state().label() + ")");
                continue;
            }
            if (shared && readOne) continue; // every task's files are in the one shared log folder
            try {
                TaskRuntime t = fg.task(provider, i);
                added += collector.collect(run.id(), t.logdirOf(run.logdir()), t);
                readOne = true;
            } catch (FastGpuException e) {
                notReached.add(i.name() + " (" + e.getMessage() + ")");
            }
        }
        return new Collected(added, notReached, problems.summary());
    }

    /** The metrics of run {@code runId} in the order they first appeared, each with at most about {@code maxPoints} points. */
    public List<MetricSeries> series(long runId, int maxPoints) {
        List<MetricSeries> all = new ArrayList<>();
        for (MetricPoint latest : fg.state().metrics().latest(runId)) {
            all.add(new MetricSeries(latest.name(), latest, fg.state().metrics().count(runId, latest.name()),
                    fg.state().metrics().series(runId, latest.name(), maxPoints)));
        }
        return all;
    }
}
