package io.fastgpu.core.launch.step;

import io.fastgpu.api.Event;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.runtime.MachinePlan;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.util.Parallel;

import java.util.List;

/**
 * The job file's {@code after}: stop (or kill) the job's machines, whatever happened before: it runs
 * after a failure and after an interrupt too. Before the machines were ready it finds them by name, so
 * what a cut-short provisioning made is stopped as well.
 */
public final class AfterStep implements LaunchStep {
    private final JobFile.After after;

    public AfterStep(JobFile.After after) { this.after = after; }

    @Override public String name() { return after.label(); }

    @Override
    public String describe() { return after == JobFile.After.KILL ? "release the machines" : "stop the machines (their files stay)"; }

    @Override public boolean always() { return true; }

    /** Applies it even when an interrupt already did (stopping twice is harmless): machines made since are covered too. */
    @Override
    public void run(LaunchState s) { apply(s, after); }

    /** Stops or kills what exists of the job's machines now; never at the same time as another thread. */
    public static void apply(LaunchState s, JobFile.After after) { s.exclusively(() -> applyNow(s, after)); }

    private static void applyNow(LaunchState s, JobFile.After after) {
        if (after == JobFile.After.KEEP) return;
        if (s.runtime() != null) {
            if (after == JobFile.After.STOP) s.runtime().stop(); else s.runtime().kill();
            changed(s, s.runtime().taskRuntimes().stream().map(t -> t.instance().id()).toList(),
                    after == JobFile.After.STOP ? InstanceState.STOPPED : InstanceState.TERMINATED);
            return;
        }
        List<Instance> found = existing(s);
        if (found.isEmpty()) return;
        Provider p = s.fg().provider(s.machinePlan().options().backend());
        List<String> reused = s.machinePlan().slots().stream().filter(x -> x.existing().isPresent()).map(MachinePlan.Slot::name).toList();
        s.fg().events().on(new Event.Notice(Event.Level.INFO, (after == JobFile.After.STOP ? "Stopping " : "Releasing ")
                + String.join(", ", found.stream().map(Instance::name).toList())));
        Parallel.all(after.label(), found, Instance::name, i -> {
            boolean neverReady = !reused.contains(i.name()) && !i.state().isRunning();
            if (after == JobFile.After.KILL || neverReady) {
                // A machine this launch bought that never got ready holds nothing yet (and a cloud cannot stop
                // one that is still starting): release it rather than leave it billing.
                p.destroy(i.id());
                changed(s, List.of(i.id()), InstanceState.TERMINATED);
                if (after == JobFile.After.STOP) {
                    s.fg().events().on(new Event.Notice(Event.Level.INFO, i.name() + " never got ready: released"));
                }
            } else {
                p.stop(i.id());
                changed(s, List.of(i.id()), InstanceState.STOPPED);
            }
            return null;
        });
    }

    /** Says that machines {@code ids} of the job's backend are stopped or released now (the state store records it). */
    private static void changed(LaunchState s, List<String> ids, InstanceState state) {
        s.fg().events().on(new Event.MachinesChanged(s.machinePlan().options().backend(), ids, state, java.time.Instant.now()));
    }

    /** The job's machines that exist and run (or are on their way), found by the plan's task names. */
    static List<Instance> existing(LaunchState s) {
        MachinePlan plan = s.machinePlan();
        List<String> names = plan.slots().stream().map(MachinePlan.Slot::name).toList();
        return s.fg().provider(plan.options().backend()).list().stream()
                .filter(i -> names.contains(i.name()))
                .filter(i -> i.state() != InstanceState.STOPPED && i.state() != InstanceState.TERMINATED)
                .toList();
    }
}
