package io.fastgpu.core.runtime;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.events.EventBus;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.state.StateStore;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point of the runtime library: {@code FastGpu.open().makeJob(...)} creates or reuses a job's
 * machines. Holds the FastGPU home, the backends, the state store and where events go.
 */
public final class FastGpu implements AutoCloseable {
    /** Environment variable that moves the FastGPU home (default {@code ~/.fastgpu}). */
    public static final String HOME_ENV = "FASTGPU_HOME";

    private final Path home;
    private final EventBus events = new EventBus();
    private final CostConfirmer confirmer;
    private final Providers providers;
    private final Path localBase;
    private StateStore state;

    private FastGpu(Builder b) {
        this.home = b.home;
        events.subscribe(b.events);
        this.confirmer = b.confirmer;
        this.localBase = b.localBase;
        this.providers = new Providers(new ProviderContext(home, events, b.settings));
    }

    /** The home from {@code FASTGPU_HOME}, else {@code ~/.fastgpu} ({@code ~} from {@code $HOME}). */
    public static Path defaultHome() {
        String env = System.getenv(HOME_ENV);
        return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath()
                : io.fastgpu.core.util.UserHome.get().resolve(".fastgpu");
    }

    /** A runtime with the default home that prints nothing and refuses to buy anything. */
    public static FastGpu open() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    public Path home() { return home; }

    /** Where the runtime's events go; subscribe to see them. */
    public EventBus events() { return events; }

    public Providers providers() { return providers; }

    public Provider provider(String name) { return providers.get(name); }

    CostConfirmer confirmer() { return confirmer; }

    Path localBase() { return localBase; }

    /** The state store, opened on first use. */
    public synchronized StateStore state() {
        if (state == null) state = StateStore.open(home);
        return state;
    }

    /**
     * Creates the job's machines, or reuses those that exist (starting stopped ones), in parallel, and runs
     * the install script where it has not run yet. When that costs money, the options must say the user
     * agreed ({@link JobOptions#confirmCost()}), or the builder's confirmer is asked.
     */
    public JobRuntime makeJob(JobOptions options) {
        MachinePlan plan = planJob(options);
        boolean consent = !plan.needsConsent() || confirmer.confirm(plan.costQuestion());
        return makeJob(plan, consent);
    }

    /** What making the job's machines will do and cost, decided without changing anything. */
    public MachinePlan planJob(JobOptions options) {
        return new JobProvisioner(this).plan(options);
    }

    /**
     * Carries out {@code plan} (see {@link #planJob}) and runs the install script; {@code consent} is the
     * user's answer to {@link MachinePlan#costQuestion()} when {@link MachinePlan#needsConsent()}.
     */
    public JobRuntime makeJob(MachinePlan plan, boolean consent) {
        JobProvisioner p = new JobProvisioner(this);
        JobRuntime job = p.machines(plan, consent);
        p.setUp(plan.options(), p.pendingSetup(plan.options(), job.taskRuntimes()));
        return job;
    }

    /** The machines of {@code plan} made ready, without the install script: the launch's first step. */
    public JobRuntime readyMachines(MachinePlan plan, boolean consent) {
        return new JobProvisioner(this).machines(plan, consent);
    }

    /**
     * As {@link #readyMachines(MachinePlan, boolean)}, keeping the log folder {@code logdir} (made where missing)
     * instead of choosing a new one: a managed run that replaces a machine or carries on after its controller
     * died keeps its folder, and the checkpoints in it.
     */
    public JobRuntime readyMachines(MachinePlan plan, boolean consent, String logdir) {
        return new JobProvisioner(this).machines(plan, consent, logdir);
    }

    /** The tasks of {@code job} that still need the job's install script. */
    public List<TaskRuntime> pendingSetup(JobOptions options, JobRuntime job) {
        return new JobProvisioner(this).pendingSetup(options, job.taskRuntimes());
    }

    /** Runs the job's install script on {@code tasks}. */
    public void setUp(JobOptions options, List<TaskRuntime> tasks) {
        new JobProvisioner(this).setUp(options, tasks);
    }

    /** A task handle on any machine, outside a job: what {@code fastgpu exec} and {@code scp} use. */
    /**
     * The files {@code local} (a file, folder or glob, relative to the local base) stands for: walk a tree once,
     * then upload the selection to as many tasks as need it ({@link TaskRuntime#upload(FileSelection.Selection, String, boolean)}).
     */
    public FileSelection.Selection select(String local) {
        try {
            return FileSelection.select(localBase, local);
        } catch (IllegalArgumentException e) {
            throw new io.fastgpu.api.InvalidSpecException(e.getMessage());
        }
    }

    public TaskRuntime task(Provider provider, Instance instance) {
        return new TaskRuntime(provider, instance, 0, provider.runRoot(instance) + "/runs/adhoc", Map.of(), events,
                localBase);
    }

    @Override
    public synchronized void close() {
        providers.close();
        if (state != null) state.close();
    }

    /** Options of a {@link FastGpu}. */
    public static final class Builder {
        private Path home = defaultHome();
        private EventListener events = EventListener.NONE;
        private CostConfirmer confirmer = CostConfirmer.REFUSE;
        private Path localBase = Path.of("").toAbsolutePath();
        private final Map<String, String> settings = new HashMap<>();

        public Builder home(Path v) { home = v.toAbsolutePath(); return this; }
        public Builder events(EventListener v) { events = v; return this; }
        public Builder confirmer(CostConfirmer v) { confirmer = v; return this; }
        /** Folder that relative local paths resolve against (the job file's folder for a launch). */
        public Builder localBase(Path v) { localBase = v.toAbsolutePath(); return this; }
        public Builder setting(String key, String value) { settings.put(key, value); return this; }
        /** Settings providers read (credentials, endpoints); the CLI passes its environment. */
        public Builder settings(Map<String, String> values) { settings.putAll(values); return this; }

        public FastGpu build() { return new FastGpu(this); }
    }
}
