package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.MetricRule;
import io.fastgpu.core.launch.step.LaunchState;
import io.fastgpu.core.metrics.MetricLines;
import io.fastgpu.core.metrics.MetricProblems;
import io.fastgpu.core.metrics.MetricsCollector;
import io.fastgpu.core.models.RunSource;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.state.MetricPoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A launch's training metrics, collected live: the job file's regexes applied to each line its steps print, and the
 * tasks' metrics files (the Python module's pushes, the script's own JSON lines) read every few seconds and at the
 * end of each job step, so that the run's metrics are all in the store before {@code after} stops the machines.
 * A failure here is told once and never fails the launch: whatever is left on the machines is collected the next
 * time a client looks ({@code fastgpu metrics}).
 */
final class LaunchMetrics implements EventListener, AutoCloseable {
    private static final long PERIOD_SECONDS = 3;
    /** Regex points held before they are written: a step printing 10,000 matching lines a second flushes at this size. */
    private static final int PENDING_LIMIT = 10_000;
    private static final Pattern TASK = Pattern.compile("task(\\d+)\\..*");

    private final FastGpu fg;
    private final LaunchState state;
    private final RunRecorder recorder;
    private final List<MetricRule> rules;
    private final Set<String> jobSteps;
    private final MetricProblems problems = new MetricProblems();
    private final Object pendingLock = new Object();
    private List<MetricPoint> pending = new ArrayList<>();
    private final Map<String, Long> lineNumbers = new HashMap<>();
    /** Collections run one at a time on a thread of their own, so that a machine that does not answer holds only it. */
    private final java.util.concurrent.ExecutorService collections = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fastgpu-metrics-collect");
        t.setDaemon(true);
        return t;
    });
    private final Object flight = new Object();
    private java.util.concurrent.Future<?> inFlight;
    /** A collection waited for in vain (a machine that does not answer): the next ones do not wait for it again. */
    private java.util.concurrent.Future<?> givenUp;
    /** {@link #progress()} when it was given up. */
    private long givenUpAt;
    /** How long a launch waits for one collection before it goes on without it. */
    private static final long WAIT_SECONDS = 15;
    private volatile String phase = "";
    private ScheduledExecutorService ticker;
    private volatile MetricsCollector collector;
    private boolean sourceRecorded;
    private volatile boolean warned;

    LaunchMetrics(FastGpu fg, LaunchState state, RunRecorder recorder) {
        this.fg = fg;
        this.state = state;
        this.recorder = recorder;
        JobFile job = state.job();
        this.rules = job.metrics();
        this.jobSteps = job.steps().stream().map(JobFile.Step::name).collect(Collectors.toSet());
    }

    @Override
    public void on(Event event) {
        if (event instanceof Event.LogLine l) {
            if (!rules.isEmpty() && jobSteps.contains(phase)) match(l);
        } else if (event instanceof Event.PhaseStarted p) {
            phase = p.phase();
            if (jobSteps.contains(p.phase())) startTicker(); else stopTicker(); // live only while a job step runs
        } else if (event instanceof Event.PhaseFinished p && jobSteps.contains(p.phase())) {
            collectNow(); // before the next step, and before 'after' stops the machines
        }
    }

    private void match(Event.LogLine l) {
        Matcher m = TASK.matcher(l.task());
        int task = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        String step = phase;
        List<MetricPoint> found;
        boolean full;
        synchronized (pendingLock) {
            long n = lineNumbers.merge(task + "/" + step, 1L, Long::sum);
            long runId = Math.max(recorder.runId(), 0);
            if (runId == 0 && pending.size() >= PENDING_LIMIT) return; // the run is not recorded (state store broken): keep memory bounded
            found = MetricLines.ofOutput(rules, l.line(), runId, task, 0, step, "regex/" + task + "/0/" + step + "/" + n,
                    Instant.now(), problems);
            pending.addAll(found);
            full = pending.size() >= PENDING_LIMIT;
        }
        if (full) flush();
    }

    private synchronized void startTicker() {
        if (ticker != null) return;
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fastgpu-metrics");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::collectNow, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** Stores the regex points and reads the metrics files; tells the first problem of each kind. */
    private void collectNow() {
        java.util.concurrent.Future<?> f;
        synchronized (flight) {
            // still stuck (no progress since it was given up): not waited for twice
            if (inFlight != null && !inFlight.isDone() && inFlight == givenUp && progress() == givenUpAt) return;
            try {
                if (inFlight == null || inFlight.isDone()) inFlight = collections.submit(this::collect);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // closed
            }
            f = inFlight; // one still at it is waited for, not doubled
        }
        try {
            // A collection that reads on (many points, a busy machine) is waited for; one that made no progress for
            // WAIT_SECONDS (a machine that does not answer) is not.
            long seen = progress();
            while (true) {
                try {
                    f.get(WAIT_SECONDS, TimeUnit.SECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    long now = progress();
                    if (now != seen) {
                        seen = now;
                        continue;
                    }
                    synchronized (flight) {
                        givenUp = f;
                        givenUpAt = now;
                    }
                    warnOnce(new io.fastgpu.api.FastGpuException("a machine did not answer within " + WAIT_SECONDS + " s"));
                    break;
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            // collect() tells its own problems
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rounds of reading done so far, and points stored: what shows a collection is moving. */
    private long progress() {
        MetricsCollector c = collector;
        return c == null ? 0 : c.rounds();
    }

    private void collect() {
        // one at a time: on the single thread of 'collections'
        long runId = recorder.runId();
        if (runId < 0) return;
        try {
            recordSource(runId);
            flush();
            JobRuntime rt = state.runtime();
            if (rt != null) {
                if (collector == null) collector = new MetricsCollector(fg.state(), problems, fg.events());
                boolean shared = fg.provider(rt.backend()).capabilities().sharedRunRoot();
                for (TaskRuntime t : shared ? rt.taskRuntimes().subList(0, 1) : rt.taskRuntimes()) {
                    collector.collect(runId, t.logdir(), t);
                }
            }
        } catch (RuntimeException e) {
            warnOnce(e); // metrics never fail a launch; what the machines keep is collected later
        }
        for (String told : problems.untold()) fg.events().on(new Event.Notice(Event.Level.WARN, told));
    }

    /** Writes the regex points found so far. */
    private void flush() {
        long runId = recorder.runId();
        if (runId < 0) return;
        List<MetricPoint> batch;
        synchronized (pendingLock) {
            if (pending.isEmpty()) return;
            batch = pending;
            pending = new ArrayList<>();
        }
        List<MetricPoint> ofRun = batch.stream().map(p -> p.runId() == runId ? p : new MetricPoint(0, runId, p.task(), p.step(),
                p.restart(), p.name(), p.value(), p.epoch(), p.stepNo(), p.at(), p.source(), p.key())).toList();
        try {
            fg.state().metrics().add(runId, ofRun);
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    /** The run's job file hash and git commit, once, for the models registered from it. */
    private void recordSource(long runId) {
        if (sourceRecorded) return;
        sourceRecorded = true;
        fg.state().appendEvent(runId, RunSource.EVENT, RunSource.of(state.job().file()).eventText());
    }

    private void warnOnce(RuntimeException e) {
        if (warned || state.interrupted()) return;
        warned = true;
        fg.events().on(new Event.Notice(Event.Level.WARN, "metrics are not collected live (" + e.getMessage()
                + "); 'fastgpu metrics " + state.job().runName() + "' collects what the machines keep"));
    }

    @Override
    public void close() {
        stopTicker();
        collections.shutdown(); // a collection stuck on a machine that does not answer is left behind (a daemon)
        flush();
        for (String told : problems.untold()) fg.events().on(new Event.Notice(Event.Level.WARN, told));
        for (String line : problems.summary()) fg.events().on(new Event.Notice(Event.Level.WARN, line));
    }

    private void stopTicker() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = ticker;
            ticker = null;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
