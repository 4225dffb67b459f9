package io.fastgpu.core.launch.step;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.job.RegisterSpec;
import io.fastgpu.core.models.ModelRef;
import io.fastgpu.core.models.ModelRegistry;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.state.ModelRecord;
import io.fastgpu.api.Event;

import java.nio.file.Path;

/**
 * The job file's {@code register: {name, path}}: once every job step succeeded and the downloads are in, the output
 * at {@code path} (as on task0, relative to its home) becomes the next version of the model, taken from the run's
 * download folder when it was downloaded, else from task0.
 */
public final class RegisterStep implements LaunchStep {
    private final RegisterSpec spec;
    private final Path outRoot;

    public RegisterStep(RegisterSpec spec, Path outRoot) {
        this.spec = spec;
        this.outRoot = outRoot;
    }

    @Override public String name() { return "register"; }

    @Override
    public String describe() { return "register " + spec.path() + " as the next version of model " + spec.name(); }

    @Override
    public void run(LaunchState s) {
        JobRuntime j = s.requireRuntime();
        String logdirName = j.logdir().substring(j.logdir().lastIndexOf('/') + 1);
        var run = s.fg().state().latestRun(logdirName)
                .orElseThrow(() -> new FastGpuException("register: run " + logdirName + " is not recorded; nothing registered"));
        ModelRecord m = ModelRegistry.open(s.fg()).registerFromRun(new ModelRegistry.Request(new ModelRef(spec.name(), 0),
                String.valueOf(run.id()), spec.path(), spec.framework(), spec.description(), outRoot), run);
        s.fg().events().on(new Event.Notice(Event.Level.INFO, "Registered " + m.ref() + " (" + m.size() + " bytes, sha256 "
                + m.sha256().substring(0, 12) + "...) from " + m.source()));
    }
}
