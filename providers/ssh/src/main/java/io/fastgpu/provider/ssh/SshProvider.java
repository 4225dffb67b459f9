package io.fastgpu.provider.ssh;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.spi.Capabilities;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.HostKeyStore;
import io.fastgpu.core.spi.facet.Probing;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.util.ShellQuote;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.core.util.ParsedFiles;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.core.util.ShellQuote;
import io.fastgpu.core.util.Suggest;
import io.fastgpu.core.util.UserHome;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Machines a team already has: a job claims hosts of a fleet as its tasks. FastGPU does not own them:
 * {@code stop} ends the job's processes there, {@code kill} releases the claim and removes the job's folder,
 * and nothing ever powers a host off or deletes it.
 */
public final class SshProvider implements Provider {
    public static final String NAME = "ssh";
    /** The backend option naming the fleet a job uses. */
    public static final String FLEET = "fleet";
    private static final String MARKER = ProcessMarker.INSTANCE;

    private final Path home;
    private final Path fleetsDir;
    private final Claims claims;
    private final WatchdogReleases releases;
    private final EventListener events;
    /** Where {@code ~} points: the SSH config and {@code ~/} paths in fleet files. */
    private final Path userHome;
    private SshConnector connector;
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Each fleet file parsed once while it is unchanged: every task of a command looks up its host in it. */
    private final ParsedFiles<Fleet> fleetFiles;
    /** The plan detail naming the host chosen for a task: {@code host.<task name>} = host id. */
    private static final String HOST_OF = "host.";

    public SshProvider(Path home, EventListener events) { this(home, events, UserHome.get()); }

    public SshProvider(Path home, EventListener events, Path userHome) {
        this.home = home;
        this.userHome = userHome;
        this.fleetsDir = home.resolve("fleets");
        this.claims = new Claims(home.resolve("ssh").resolve("claims"));
        this.events = events;
        this.releases = new WatchdogReleases(claims, this::admin, SshProvider::instance, events);
        this.fleetFiles = new ParsedFiles<>(f -> {
            String n = f.getFileName().toString();
            return FleetFile.read(n.substring(0, n.length() - ".yaml".length()), f, userHome);
        });
    }

    @Override public String name() { return NAME; }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, false, false)
                .with(Probing.class, new HostProbe(this::fleets, this::admin, releases::release))
                .with(HostKeyStore.class, new HostKeyStore() {
                    @Override public boolean forgetHost(String host) { return SshConnector.forgetHost(knownHosts(), host); }
                    @Override public String location() { return knownHosts().toString(); }
                })
                .with(SelfStop.class, new SelfStop() {
                    // The host is never powered off: the task's processes end, and the claim goes with the next command
                    // that looks at the host ('ls', or a job that needs a free host): see WatchdogReleases.
                    @Override public String stopScript(Instance i) {
                        return "bash -c " + ShellQuote.quote(ProcessMarker.endScript(ProcessMarker.INSTANCE, i.id()))
                                + "\nexit " + SelfStop.TASK_ENDED;
                    }

                    @Override public boolean autostopByDefault() { return false; }
                });
    }

    /** Where the keys of the fleets' hosts are pinned on first use. */
    private Path knownHosts() { return home.resolve("known_hosts"); }

    private synchronized SshConnector connector() {
        if (connector == null) {
            List<Path> trusted = new ArrayList<>();
            for (Fleet f : fleets()) if (f.knownHosts() != null) trusted.add(f.knownHosts());
            connector = SshConnector.open(knownHosts(), trusted,
                    userHome.resolve(".ssh").resolve("config"), SshConnector.passphraseFromEnvironment());
        }
        return connector;
    }

    /** Every readable fleet; a broken fleet file is reported, and fails only the jobs that use it. */
    List<Fleet> fleets() {
        List<Fleet> result = new ArrayList<>();
        for (String n : FleetFile.names(fleetsDir)) {
            try {
                result.add(fleetFiles.get(fleetsDir.resolve(n + ".yaml")));
            } catch (InvalidSpecException e) {
                if (warned.add(n)) events.on(new Event.Notice(Event.Level.WARN, "fleet '" + n + "' skipped: " + e.getMessage()));
            }
        }
        return result;
    }

    Fleet fleet(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidSpecException("backend 'ssh' needs a fleet: add 'fleet: NAME' to the job file ("
                    + fleetsDir + "/NAME.yaml lists the machines)");
        }
        Path f = fleetsDir.resolve(name + ".yaml");
        if (!Files.isRegularFile(f)) {
            List<String> names = FleetFile.names(fleetsDir);
            String hint = Suggest.closest(name, names).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("no fleet '" + name + "'" + hint + ": create " + f
                    + (names.isEmpty() ? "" : "; fleets: " + String.join(", ", names)));
        }
        return fleetFiles.get(f);
    }

    private static SshTarget target(Fleet.Host h) {
        return new SshTarget(h.host(), h.port(), h.user(), h.key() == null ? List.of() : List.of(h.key()), h.jump());
    }

    private static String gpu(Fleet.Host h) {
        return h.gpus() > 0 ? (h.gpuType().isEmpty() ? "GPU" : h.gpuType()) + " x " + h.gpus() : "-";
    }

    @Override
    public List<Instance> list() {
        Map<List<String>, List<Claims.Claim>> byHost = new java.util.HashMap<>();
        for (Claims.Claim c : claims.all()) byHost.computeIfAbsent(List.of(c.fleet(), c.hostKey()), k -> new ArrayList<>()).add(c);
        List<Instance> result = new ArrayList<>();
        for (Fleet f : fleets()) {
            for (Fleet.Host h : f.hosts()) {
                List<Claims.Claim> on = byHost.getOrDefault(List.of(f.name(), h.id()), List.of());
                for (Claims.Claim c : on) result.add(instance(c, h));
                if (on.isEmpty() || f.shared()) {
                    result.add(new Instance("ssh-" + h.id(), f.name() + "/" + h.display(), NAME, InstanceState.RUNNING,
                            "fleet " + f.name(), gpu(h), "", h.host(), Instant.EPOCH, Map.of(Tags.FLEET, f.name())));
                }
            }
        }
        return result;
    }

    private static Instance instance(Claims.Claim c, Fleet.Host h) {
        Map<String, String> tags = new java.util.HashMap<>(c.tags());
        tags.put(Tags.FLEET, c.fleet());
        return new Instance(c.id(), c.task(), NAME, c.state(), "fleet " + c.fleet(), gpu(h), "", h.host(), c.createdAt(), tags);
    }

    private record Held(Claims.Claim claim, Fleet fleet, Fleet.Host host) { }

    private Held held(String id) {
        Optional<Claims.Claim> claim = claims.find(id);
        for (Claims.Claim c : claim.isPresent() ? List.of(claim.get()) : claims.all()) {
            if (c.id().equals(id)) {
                Fleet f = fleet(c.fleet());
                Fleet.Host h = f.hosts().stream().filter(x -> x.id().equals(c.hostKey())).findFirst()
                        .orElseThrow(() -> new FastGpuException(c.task() + " holds a host that is no longer in fleet " + f.name()
                                + "; release it with 'fastgpu kill " + c.task() + "'"));
                return new Held(c, f, h);
            }
        }
        if (id.startsWith("ssh-") && !id.contains("--")) {
            throw new FastGpuException("ssh hosts are not owned by FastGPU: " + id.substring(4) + " is not held by any job,"
                    + " so there is nothing to stop or release; it is never powered off or deleted");
        }
        throw new NotFoundException("no ssh task with id " + id);
    }

    /** Hosts found not answering (a task's host lost): checked last when a job needs hosts. */
    private final java.util.Set<String> silent = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Chooses a free host for each request (task i gets the i-th) and checks that each can run tasks. */
    @Override
    public CreatePlan validate(List<CreateRequest> requests) {
        if (requests.isEmpty()) return CreatePlan.of(requests);
        Fleet f = fleet(requests.get(0).options().get(FLEET));
        if (!f.shared() && freeHosts(f).size() < requests.size()) {
            releases.releaseIn(f); // hosts whose watchdog ended their task are free again
        }
        List<Fleet.Host> free = new ArrayList<>(freeHosts(f));
        free.sort(Comparator.comparing((Fleet.Host h) -> silent.contains(h.id()))); // stable: fleet order otherwise
        if (free.size() < requests.size()) {
            throw new InvalidSpecException("fleet '" + f.name() + "' has " + free.size() + " free host(s) of " + f.hosts().size()
                    + " but the job needs " + requests.size() + " more; free some ('fastgpu ls') or add hosts to the fleet");
        }
        // The first free hosts that pass the check; one that fails is passed over for the next free one (a host that
        // went silent under an earlier task, say), and only when too few pass is nothing done.
        List<Fleet.Host> chosen = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int next = 0;
        while (chosen.size() < requests.size() && next < free.size()) {
            List<Fleet.Host> batch = free.subList(next, Math.min(free.size(), next + requests.size() - chosen.size()));
            next += batch.size();
            List<String> found = Parallel.all("check hosts", batch, Fleet.Host::display, this::check);
            for (int i = 0; i < batch.size(); i++) {
                if (found.get(i).isEmpty()) chosen.add(batch.get(i));
                else problems.add(batch.get(i).display() + ": " + found.get(i));
            }
        }
        if (chosen.size() < requests.size()) {
            throw new FastGpuException("fleet '" + f.name() + "' is not ready, nothing was changed: " + String.join("; ", problems));
        }
        if (!problems.isEmpty()) {
            events.on(new Event.Notice(Event.Level.WARN, "fleet '" + f.name() + "': passed over " + String.join("; ", problems)));
        }
        chosen.sort(Comparator.comparingInt(free::indexOf));
        Map<String, String> hosts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) hosts.put(HOST_OF + requests.get(i).name(), chosen.get(i).id());
        return new CreatePlan(requests, hosts);
    }

    /** What a host lacks to run tasks, or empty; connection problems become the message. */
    private String check(Fleet.Host h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = admin(h).exec("for c in bash tar python3 tmux; do command -v $c >/dev/null || printf '%s ' $c; done",
                    HostProbe.sinkOf(out), Duration.ofSeconds(30));
            String missing = out.toString(StandardCharsets.UTF_8).strip();
            if (rc != 0) return "the check failed with exit code " + rc;
            return missing.isEmpty() ? "" : "missing " + missing.replace(" ", ", ") + " (install it there)";
        } catch (FastGpuException e) {
            return e.getMessage();
        }
    }

    private List<Fleet.Host> freeHosts(Fleet f) {
        List<Claims.Claim> all = claims.all();
        if (f.shared()) {
            // Spread a job over distinct hosts, least used first.
            return f.hosts().stream().sorted(Comparator.comparingLong(h -> all.stream()
                    .filter(c -> c.hostKey().equals(h.id())).count())).toList();
        }
        return f.hosts().stream().filter(h -> all.stream().noneMatch(c -> c.hostKey().equals(h.id()))).toList();
    }

    @Override
    public CreateOutcome create(CreatePlan plan) {
        return CreateOutcome.oneByOne(plan, r -> createOne(r, plan.details().get(HOST_OF + r.name())), i -> destroy(i.id()));
    }

    /** Claims a free host for {@code request}: {@code plan} (a host id) when it is still free. */
    private Instance createOne(CreateRequest request, String plan) {
        Fleet f = fleet(request.options().get(FLEET));
        Claims.Claim c = claims.locked(() -> {
            if (claims.all().stream().anyMatch(x -> x.task().equals(request.name()))) {
                throw new FastGpuException("an instance named " + request.name() + " already exists");
            }
            List<String> jobHosts = claims.all().stream().filter(x -> Objects.equals(x.tags().get(Tags.JOB),
                    request.tags().get(Tags.JOB))).map(Claims.Claim::hostKey).toList();
            Fleet.Host h = freeHosts(f).stream().filter(x -> !jobHosts.contains(x.id()))
                    .sorted(Comparator.comparing((Fleet.Host x) -> !x.id().equals(plan))).findFirst()
                    .orElseThrow(() -> new FastGpuException("fleet '" + f.name() + "' has no free host for " + request.name()));
            Claims.Claim claim = new Claims.Claim(request.name(), f.name(), h.id(), request.name(), InstanceState.RUNNING,
                    Instant.now(), request.tags());
            claims.save(claim);
            return claim;
        });
        Fleet.Host h = f.hosts().stream().filter(x -> x.id().equals(c.hostKey())).findFirst().orElseThrow();
        events.on(new Event.Notice(Event.Level.INFO, request.name() + " claims " + h.display() + " of fleet " + f.name()));
        return instance(c, h);
    }

    @Override
    public void start(String id) {
        claims.locked(() -> {
            Held held = held(id);
            claims.save(held.claim().with(InstanceState.RUNNING));
            return null;
        });
    }

    @Override
    public void stop(String id) {
        Held held = held(id);
        endProcesses(held);
        claims.locked(() -> {
            claims.save(held(id).claim().with(InstanceState.STOPPED));
            return null;
        });
    }

    @Override
    public void destroy(String id) {
        Held held = held(id);
        if (!answers(held.host())) {
            // A host that went silent (lost): its claim is let go here, so that the task can move to another host.
            claims.locked(() -> {
                claims.remove(held.claim());
                return null;
            });
            events.on(new Event.Notice(Event.Level.WARN, held.claim().task() + " released " + held.host().display()
                    + ", which does not answer: the task's processes and folder there (~/fastgpu/" + held.claim().workdir()
                    + ") were left as they are; remove them when it is back"));
            return;
        }
        endProcesses(held);
        SshTransport admin = admin(held.host());
        int rc = admin.exec("rm -rf \"$HOME\"/fastgpu/" + ShellQuote.quote(held.claim().workdir()), OutputSink.DISCARD, Duration.ofMinutes(5));
        admin.forgetFolder("fastgpu/" + held.claim().workdir());
        if (rc != 0) throw new FastGpuException(held.claim().task() + ": could not remove its folder on " + held.host().display());
        claims.locked(() -> {
            claims.remove(held.claim());
            return null;
        });
        events.on(new Event.Notice(Event.Level.INFO, held.claim().task() + " released " + held.host().display()
                + " (the machine itself keeps running: FastGPU does not own it)"));
    }

    /**
     * Whether {@code h} runs a command that does nothing within a few seconds, its login included (a host that
     * takes connections and never greets would otherwise hold this for the connect and login timeouts). One that
     * does not is remembered as silent, and taken last when a job needs hosts.
     */
    private boolean answers(Fleet.Host h) {
        boolean yes = BoundedAnswer.of(() -> admin(h).exec("true", OutputSink.DISCARD, BoundedAnswer.WITHIN) == 0).orElse(false);
        if (yes) silent.remove(h.id());
        else silent.add(h.id());
        return yes;
    }

    /** Ends every process that carries this task's marker, on its host. */
    private void endProcesses(Held held) {
        String script = io.fastgpu.core.runtime.ProcessMarker.endScript(io.fastgpu.core.runtime.ProcessMarker.INSTANCE,
                held.claim().id());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = admin(held.host()).exec(script, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { }
            @Override public void stderr(byte[] b, int n) { err.write(b, 0, n); }
        }, Duration.ofMinutes(1));
        if (rc != 0) {
            throw new FastGpuException(held.claim().task() + ": could not end its processes on " + held.host().display() + ": "
                    + err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    @Override
    public void rename(String id, String newName) {
        claims.locked(() -> {
            if (claims.all().stream().anyMatch(c -> c.task().equals(newName))) {
                throw new FastGpuException("an instance named " + newName + " already exists");
            }
            Held held = held(id);
            claims.remove(held.claim());
            claims.save(held.claim().named(newName));
            return null;
        });
    }

    @Override
    public List<Instance> awaitReady(List<String> ids, Duration timeout) {
        return Parallel.all("wait for machines", ids, id -> id, id -> awaitOne(id));
    }

    private Instance awaitOne(String id) {
        Held held = held(id);
        if (held.claim().state() != InstanceState.RUNNING) {
            throw new FastGpuException(held.claim().task() + " is stopped; start it with 'fastgpu start " + held.claim().task() + "'");
        }
        transport(instance(held.claim(), held.host())).home(); // connects, and makes its folder
        return instance(held.claim(), held.host());
    }

    @Override
    public Transport transport(Instance instance) {
        Held held = held(instance.id());
        if (held.claim().state() != InstanceState.RUNNING) {
            throw new FastGpuException(held.claim().task() + " is stopped; start it with 'fastgpu start " + held.claim().task() + "'");
        }
        return new SshTransport(connector(), target(held.host()), held.claim().task(), Map.of(MARKER, held.claim().id()),
                "fastgpu/" + held.claim().workdir());
    }

    /** A transport outside any task: for checks and clean-up, without the marker, in the login's home. */
    private SshTransport admin(Fleet.Host h) {
        return new SshTransport(connector(), target(h), h.display(), Map.of(), null);
    }

    @Override
    public String runRoot(Instance instance) {
        return admin(held(instance.id()).host()).home() + "/fastgpu";
    }

    @Override
    public synchronized void close() {
        if (connector != null) connector.close();
    }
}
