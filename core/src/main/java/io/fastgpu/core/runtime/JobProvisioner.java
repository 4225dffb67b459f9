package io.fastgpu.core.runtime;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunOptions;
import io.fastgpu.core.runtime.MachinePlan.Slot;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.spi.facet.RendezvousPorts;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.core.util.ShellQuote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Makes a job's machines exist and be ready, in two halves: {@link #plan} decides without changing
 * anything (find by name, what to start, what to buy, the price); {@link #machines} carries a plan out
 * (start, create, wait, log folder, task environment); {@link #setUp} runs the install script.
 */
final class JobProvisioner {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    private final FastGpu fg;

    JobProvisioner(FastGpu fg) { this.fg = fg; }

    /** The machine of a slot once ready, and whether this call created it. */
    private record Ready(Instance instance, boolean created) { }

    /**
     * Decides, without changing anything, what making the job's machines takes: which exist (a terminated
     * one, a spot instance the cloud took back, cannot be reused: its task gets a new one), what the
     * provider would buy, and the price.
     */
    MachinePlan plan(JobOptions o) {
        Provider provider = fg.provider(o.backend());
        List<Instance> known = provider.list().stream().filter(i -> i.state() != InstanceState.TERMINATED).toList();
        List<Slot> slots = IntStream.range(0, o.numTasks()).mapToObj(i -> {
            String name = TaskNames.of(i, o.name());
            return new Slot(i, name, known.stream().filter(x -> x.name().equals(name)).findFirst());
        }).toList();
        CreatePlan create = provider.validate(slots.stream().filter(s -> s.existing().isEmpty()).map(s -> request(o, s)).toList());
        var pricing = provider.capabilities().facet(Pricing.class);
        boolean costs = provider.capabilities().costsMoney();
        long toRun = slots.stream().filter(s -> s.existing().map(i -> !i.state().isRunning()).orElse(true)).count();
        double hourly = costs && toRun > 0 ? pricing.map(p -> p.hourlyPrice(o.resources(), (int) toRun)).orElse(-1.0) : 0;
        return new MachinePlan(o, slots, create, costs, hourly,
                pricing.map(Pricing::costNotice).orElse("Costs of the resources will be charged on your account"));
    }

    /**
     * Carries out {@code plan}: starts the stopped machines, buys the missing ones, waits for all, and
     * prepares each task (log folder, hostfile, the distributed variables). Refuses when the plan costs
     * money and {@code consent} was not given, before anything is changed.
     */
    JobRuntime machines(MachinePlan plan, boolean consent) { return machines(plan, consent, null); }

    /** As {@link #machines(MachinePlan, boolean)}, in the log folder {@code logdir} when given (a managed run carried on). */
    JobRuntime machines(MachinePlan plan, boolean consent, String keptLogdir) {
        JobOptions o = plan.options();
        if (plan.needsConsent() && !consent) {
            throw new FastGpuException("not confirmed: nothing was created; pass --yes (confirm_cost) to agree to the cost");
        }
        Provider provider = fg.provider(o.backend());
        List<Ready> ready = getReady(provider, plan.create(), plan.slots());
        String masterIp = ready.get(0).instance().privateIp();
        String ips = ready.stream().map(r -> r.instance().privateIp()).collect(Collectors.joining("\n"));
        int port = provider.capabilities().facet(RendezvousPorts.class).map(r -> r.rendezvousPort(o.name()))
                .orElse(RendezvousPorts.DEFAULT);
        String chosen = keptLogdir == null || keptLogdir.isBlank() ? chooseLogdir(provider, ready.get(0).instance(), o.runName())
                : keptLogdir;
        // The folder of that name under each machine's own run root (homes may differ between machines).
        List<String> logdirs = Parallel.all("find the run folder", ready, r -> r.instance().name(),
                r -> RunFolder.on(provider, r.instance(), chosen));
        String logdir = logdirs.get(0);

        int gpus = gpusPerNode(ready.get(0).instance().gpu());
        String hostfileText = ready.stream().map(r -> r.instance().privateIp() + " slots=" + Math.max(1, gpus))
                .collect(Collectors.joining("\n")) + "\n";
        List<TaskRuntime> tasks = new ArrayList<>();
        for (int i = 0; i < ready.size(); i++) {
            String own = logdirs.get(i);
            String hostfile = own + "/hostfile";
            Map<String, String> env = new LinkedHashMap<>();
            env.put("FASTGPU_JOB", o.name());
            env.put("FASTGPU_RUN", o.runName());
            env.put("FASTGPU_LOGDIR", own);
            env.put("FASTGPU_NODE_RANK", String.valueOf(i));
            env.put("FASTGPU_NUM_NODES", String.valueOf(ready.size()));
            env.put("FASTGPU_NODE_IPS", ips);
            env.put("FASTGPU_MASTER_ADDR", masterIp);
            env.put("FASTGPU_MASTER_PORT", String.valueOf(port));
            env.put("FASTGPU_GPUS_PER_NODE", String.valueOf(gpus));
            env.put("FASTGPU_HOSTFILE", hostfile);
            env.put(MetricsFiles.ENV, MetricsFiles.path(own, i, 0, "")); // a job step names its own (CommandStep)
            // The names TI-ONE gives, so scripts written for it run unchanged.
            env.put("NODE_NUM", String.valueOf(ready.size()));
            env.put("INDEX", String.valueOf(i));
            env.put("GPU_NUM_PER_NODE", String.valueOf(gpus));
            env.put("CHIEF_IP", masterIp);
            tasks.add(new TaskRuntime(provider, ready.get(i).instance(), i, own, env, fg.events(), fg.localBase()));
        }
        Parallel.all("make the log folder", tasks, TaskRuntime::name, t -> {
            t.runRaw("mkdir -p " + ShellQuote.quote(t.logdir()) + "\n" + t.installPythonModule());
            t.write(t.logdir() + "/hostfile", hostfileText);
            return null;
        });
        List<String> created = ready.stream().filter(Ready::created).map(r -> r.instance().name()).toList();
        return new JobRuntime(o.name(), o.runName(), logdir, tasks, created, provider.name());
    }

    /** Starts the stopped machines, creates the missing ones (in one batch), then waits for all of them. */
    private List<Ready> getReady(Provider provider, CreatePlan plan, List<Slot> slots) {
        List<Slot> existing = slots.stream().filter(s -> s.existing().isPresent()).toList();
        Parallel.all("start", existing, Slot::name, s -> {
            Instance inst = s.existing().get();
            if (inst.state() == InstanceState.STOPPED || inst.state() == InstanceState.STOPPING) {
                fg.events().on(new Event.Notice(Event.Level.INFO, "Starting stopped " + inst.name()));
                provider.start(inst.id());
            } else {
                fg.events().on(new Event.Notice(Event.Level.INFO, "Reusing " + inst.name() + " (" + inst.state().label() + ")"));
            }
            return null;
        });
        plan.requests().forEach(r -> fg.events().on(new Event.Notice(Event.Level.INFO, "Creating " + r.name())));
        List<Instance> made = plan.isEmpty() ? List.of() : provider.create(plan).orThrow();
        Map<String, Instance> byName = new LinkedHashMap<>();
        for (Instance i : made) byName.put(i.name(), i);
        List<String> ids = slots.stream().map(s -> s.existing().orElseGet(() -> byName.get(s.name())).id()).toList();
        List<Instance> readyInstances = provider.awaitReady(ids, READY_TIMEOUT);
        List<Ready> result = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            result.add(new Ready(readyInstances.get(i), slots.get(i).existing().isEmpty()));
        }
        return result;
    }

    /** {@code <root>/runs/<run>}, or {@code .01}, {@code .02} ... when that exists, as the original did. */
    private String chooseLogdir(Provider provider, Instance first, String runName) {
        String base = provider.runRoot(first) + "/runs/" + runName;
        TaskRuntime probe = new TaskRuntime(provider, first, 0, base, Map.of(), fg.events(), fg.localBase());
        // Names already taken are passed over with a builtin test: a run name used a thousand times costs no forks.
        String script = "b=" + ShellQuote.quote(base) + "; d=$b; n=0\n"
                + "mkdir -p \"${b%/*}\" || exit 1\n"
                + "while [ -e \"$d\" ] || ! mkdir \"$d\" 2>/dev/null; do\n"
                // Not taken, yet not made (a read-only or full file system, no permission): say why, once.
                + "  [ -e \"$d\" ] || { mkdir \"$d\"; exit 1; }\n"
                + "  n=$((n+1)); [ $n -gt 99999 ] && exit 1; printf -v d '%s.%02d' \"$b\" \"$n\"\ndone\necho \"$d\"\n";
        var r = probe.runRaw(script);
        if (r.exitCode() != 0) {
            throw new FastGpuException(first.name() + ": could not create the log folder under " + base + ": " + r.stderr().strip());
        }
        return r.stdout().strip();
    }

    /** The marker a task keeps once it ran this exact install script. */
    private static String setupMarker(JobOptions o) {
        return ".fastgpu/setup-" + sha256(o.installScript()).substring(0, 16) + ".done";
    }

    /** The tasks that have not run this exact install script yet (none when the job has none or skips it). */
    List<TaskRuntime> pendingSetup(JobOptions o, List<TaskRuntime> tasks) {
        if (o.skipSetup() || o.installScript().isBlank()) return List.of();
        String marker = setupMarker(o);
        return Parallel.all("check setup", tasks, TaskRuntime::name, t -> t.exists(marker) ? null : t)
                .stream().filter(t -> t != null).toList();
    }

    /** Runs the install script on {@code pending}, and marks each task that ran it successfully. */
    void setUp(JobOptions o, List<TaskRuntime> pending) {
        String marker = setupMarker(o);
        Parallel.all("set up", pending, TaskRuntime::name, t -> {
            fg.events().on(new Event.Notice(Event.Level.INFO, t.name() + ": running setup"));
            try {
                t.run(o.installScript(), RunOptions.DEFAULT.streaming());
            } catch (CommandFailedException e) {
                throw new CommandFailedException(t.name(), "setup", e.exitCode(), e.outputTail());
            }
            t.write(marker, "ok\n");
            return null;
        });
    }

    private static CreateRequest request(JobOptions o, Slot s) {
        Map<String, String> tags = Map.of(Tags.JOB, o.name(), Tags.TASK, String.valueOf(s.index()), Tags.OWNER, Tags.currentOwner());
        return new CreateRequest(s.name(), o.resources(), o.zone(), tags, options(o));
    }

    /** The backend options, with {@code nas: true} when the job asks for shared storage. */
    private static Map<String, String> options(JobOptions o) {
        if (!o.nas()) return o.backendOptions();
        Map<String, String> m = new LinkedHashMap<>(o.backendOptions());
        m.put("nas", "true");
        return m;
    }

    /** {@code V100 x 8} → 8; 0 when the machines have no GPU (or it is not known). */
    static int gpusPerNode(String gpu) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("x\\s*(\\d+)\\s*$").matcher(gpu);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
