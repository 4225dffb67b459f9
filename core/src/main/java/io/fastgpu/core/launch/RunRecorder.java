package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.state.StateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Owns every state write of a launch: it listens to the launch's events and records the run, its
 * steps, the job and its machines. Nothing else of a launch writes the store.
 *
 * <p>A failing write (a full disk, a locked or broken database) never stops the launch: it is reported
 * once as a warning and the recorder stops writing; the run is then settled later (a run whose
 * launcher is gone reads as interrupted).
 */
final class RunRecorder implements EventListener {
    private final Supplier<StateStore> store;
    private final EventListener warnings;
    private String job;
    private String runName;
    private String backend;
    private String localLog;
    private long runId = -1;
    private final List<Long> openSteps = new ArrayList<>();
    private final List<Event> beforeRun = new ArrayList<>();
    private boolean broken;

    /**
     * @param store    the state store, opened on first write
     * @param warnings where the one warning about a failed write goes (not this recorder)
     */
    RunRecorder(Supplier<StateStore> store, EventListener warnings) {
        this.store = store;
        this.warnings = warnings;
    }

    /** The run's id in the store, or -1 when it could not be recorded. */
    synchronized long runId() { return runId; }

    @Override
    public synchronized void on(Event event) {
        if (broken) return;
        try {
            record(event);
        } catch (FastGpuException | IllegalStateException | java.io.UncheckedIOException e) {
            broken = true;
            warnings.on(new Event.Notice(Event.Level.WARN, "the run is not recorded from here on (" + e.getMessage()
                    + "); the launch goes on, and 'after' is applied as usual"));
        }
    }

    private void record(Event event) {
        if (event instanceof Event.RunStarted r) {
            job = r.job();
            runName = r.runName();
            backend = r.backend();
            localLog = r.localLog();
            store.get().settleAbandonedRuns(); // earlier runs whose launcher died without a word are written down as interrupted
        } else if (event instanceof Event.MachinesReady m) {
            startRun(m.logdir());
            store.get().recordJob(m.job(), m.backend(), m.numTasks());
            store.get().upsertInstances(m.backend(), m.listed());
        } else if (event instanceof Event.MachinesChanged c) {
            for (String id : c.ids()) store.get().recordInstanceState(c.backend(), id, c.state(), c.at());
        } else if (event instanceof Event.PhaseStarted p) {
            if (runId < 0) beforeRun.add(p); else openSteps.add(store.get().startStep(runId, p.phase()));
        } else if (event instanceof Event.PhaseFinished p) {
            if (runId < 0) {
                beforeRun.add(p);
            } else if (!openSteps.isEmpty()) {
                store.get().finishStep(openSteps.remove(openSteps.size() - 1), p.exitCode(), p.elapsed());
            }
        } else if (event instanceof Event.PhaseSkipped p) {
            if (runId < 0) {
                beforeRun.add(p);
            } else {
                store.get().finishStep(store.get().startStep(runId, p.phase()), 0, java.time.Duration.ZERO);
            }
        } else if (event instanceof Event.RunFinished f && job != null) {
            startRun("");
            store.get().finishRun(runId, f.status(), f.exitCode());
            store.get().appendEvent(runId, "finished", (f.message().isEmpty() ? f.status() : f.status() + ": " + f.message())
                    + " in " + f.total().toMillis() + " ms");
        }
    }

    /** Records the run once (its log folder known, or empty when the machines never got ready), then what came before. */
    private void startRun(String logdir) {
        if (runId >= 0) return;
        runId = store.get().startRun(job, runName, backend, logdir, localLog);
        List<Event> pending = new ArrayList<>(beforeRun);
        beforeRun.clear();
        for (Event e : pending) record(e);
    }
}
