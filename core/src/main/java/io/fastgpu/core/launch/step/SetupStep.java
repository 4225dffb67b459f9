package io.fastgpu.core.launch.step;

import io.fastgpu.core.runtime.TaskRuntime;

import java.util.List;
import java.util.Optional;

/** The job's {@code setup} script, once per machine: skipped where this exact script already ran. */
public final class SetupStep implements LaunchStep {
    private List<TaskRuntime> pending;

    @Override public String name() { return "setup"; }

    @Override
    public String describe() { return "run the setup script on every machine that has not run this exact script yet"; }

    @Override
    public Optional<String> alreadyDone(LaunchState s) {
        pending = s.fg().pendingSetup(s.machinePlan().options(), s.requireRuntime());
        return pending.isEmpty() ? Optional.of("already done on every task") : Optional.empty();
    }

    @Override
    public void run(LaunchState s) {
        s.fg().setUp(s.machinePlan().options(), pending != null ? pending
                : s.fg().pendingSetup(s.machinePlan().options(), s.requireRuntime()));
    }
}
