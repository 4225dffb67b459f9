package io.fastgpu.core.launch.step;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.MachinePlan;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the steps of one launch share as it runs: the runtime, the plan's inputs (the job, the cost
 * consent), the machines once ready, and whether the launch was interrupted. Steps read and fill it in
 * order; only the interrupt handler touches it from another thread (the atomic flags).
 */
public final class LaunchState {
    private final FastGpu fg;
    private final JobFile job;
    private final MachinePlan machinePlan;
    private final boolean costConsent;
    private final Set<String> doneBefore;
    private volatile JobRuntime runtime;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private volatile boolean finished;
    private final java.util.concurrent.locks.ReentrantLock afterLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile String runningMarker;
    private volatile Thread waiting;
    private volatile String keptLogdir;

    /**
     * @param doneBefore names of the job steps that already succeeded in the run being resumed (empty for a new run)
     */
    public LaunchState(FastGpu fg, JobFile job, MachinePlan machinePlan, boolean costConsent, Set<String> doneBefore) {
        this.fg = fg;
        this.job = job;
        this.machinePlan = machinePlan;
        this.costConsent = costConsent;
        this.doneBefore = Set.copyOf(doneBefore);
    }

    public FastGpu fg() { return fg; }
    public JobFile job() { return job; }
    public MachinePlan machinePlan() { return machinePlan; }
    public boolean costConsent() { return costConsent; }
    public Set<String> doneBefore() { return doneBefore; }

    /** The log folder a carried-on managed run keeps, or null for a new one. */
    public String keptLogdir() { return keptLogdir; }

    /** Keeps the log folder {@code logdir} instead of making a new one (a managed run carried on). */
    public void keepLogdir(String logdir) { this.keptLogdir = logdir; }

    /** Puts the job's machines in place after some of them were replaced. */
    public void replaceRuntime(JobRuntime r) { this.runtime = r; }

    /** The job's machines, once the first step made them ready; null before. */
    public JobRuntime runtime() { return runtime; }

    /** The job's machines; fails with one line when a step needs them before they exist. */
    public JobRuntime requireRuntime() {
        JobRuntime r = runtime;
        if (r == null) throw new FastGpuException("the job's machines are not ready");
        return r;
    }

    void runtime(JobRuntime r) { this.runtime = r; }

    public boolean interrupted() { return interrupted.get(); }

    /** Whether the launch has ended (its timers have nothing left to do). */
    public boolean finished() { return finished; }

    public void finish() { finished = true; }

    /** Marks the launch interrupted; true the first time. */
    public boolean markInterrupted() { return interrupted.compareAndSet(false, true); }

    /** Runs {@code action} (applying {@code after}) while no other thread applies it: the interrupt and the last step never race. */
    public void exclusively(Runnable action) {
        afterLock.lock();
        try {
            action.run();
        } finally {
            afterLock.unlock();
        }
    }

    /** The thread running an interruptible step now, or null. */
    public Thread waiting() { return waiting; }

    public void waiting(Thread t) { this.waiting = t; }

    /** The marker of the job step running now (its processes carry it), or null. */
    public String runningMarker() { return runningMarker; }

    void runningMarker(String m) { this.runningMarker = m; }
}
