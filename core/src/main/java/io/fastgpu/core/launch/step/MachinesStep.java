package io.fastgpu.core.launch.step;

import io.fastgpu.api.Event;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.Parallel;

/**
 * The first step ({@code init}): carries out the machine plan (reuse, start, buy, wait until they
 * answer, log folder, task environment) and starts every task in a fresh shell in its home.
 */
public final class MachinesStep implements LaunchStep {
    @Override public String name() { return "init"; }

    @Override
    public String describe() { return "make " + "the job's machines ready (see above), a fresh shell and a log folder on each"; }

    @Override public boolean interruptible() { return true; }

    @Override
    public void run(LaunchState s) {
        JobRuntime job = s.keptLogdir() == null ? s.fg().readyMachines(s.machinePlan(), s.costConsent())
                : s.fg().readyMachines(s.machinePlan(), s.costConsent(), s.keptLogdir());
        s.runtime(job);
        s.fg().events().on(new Event.MachinesReady(job.name(), job.backend(), job.logdir(), job.taskRuntimes().size(),
                s.fg().provider(job.backend()).list()));
        // Each launch starts in a fresh shell in the task's home, whatever an earlier one left.
        // and no process of an earlier launch's step (one killed without a word) still runs beside this one.
        Parallel.all("reset the shell", job.taskRuntimes(), TaskRuntime::name, t -> {
            t.startFresh();
            return null;
        });
    }
}
