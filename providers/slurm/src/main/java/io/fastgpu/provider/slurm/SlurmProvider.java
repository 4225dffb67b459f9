package io.fastgpu.provider.slurm;

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
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.HostKeyStore;
import io.fastgpu.core.spi.facet.Scheduler;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.core.util.ShellQuote;
import io.fastgpu.core.util.Suggest;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jobs on a Slurm cluster a team already has: a job is one allocation (a batch job holding its nodes, named and
 * commented so that it is found again), task i is the allocation's i-th node, and commands are steps of the
 * allocation on that node. Slurm does the allocating and queueing; FastGPU only drives it. {@code stop} ends the
 * task's processes and keeps the allocation; {@code kill} releases the task, and the allocation is cancelled
 * with its last task.
 */
public final class SlurmProvider implements Provider {
    public static final String NAME = "slurm";
    /** The backend option naming the cluster a job uses. */
    public static final String CLUSTER = "cluster";
    /** Tags on the instances: the cluster and the Slurm job id of the allocation. */
    public static final String CLUSTER_TAG = "slurm:cluster";
    public static final String JOB_ID_TAG = "slurm:jobid";

    private final Path clustersDir;
    private final Path stoppedDir;
    private final Path home;
    private final Path userHome;
    private final EventListener events;
    private final Map<String, Slurm> slurms = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();
    private SshConnector connector;

    public SlurmProvider(Path home, EventListener events, Path userHome) {
        this.home = home;
        this.clustersDir = home.resolve("clusters");
        this.stoppedDir = home.resolve("slurm").resolve("stopped");
        this.events = events;
        this.userHome = userHome;
    }

    @Override public String name() { return NAME; }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, false, true).with(HostKeyStore.class, new HostKeyStore() {
            @Override public boolean forgetHost(String host) { return SshConnector.forgetHost(knownHosts(), host); }
            @Override public String location() { return knownHosts().toString(); }
        }).with(Scheduler.class, new Scheduler() {
            @Override public List<String> clusters() { return clusterNames(); }
            @Override public List<Partition> partitions(String cluster) { return partitionsOf(cluster); }
        });
    }

    /** The partitions of {@code cluster} with their free and total nodes and GPUs. */
    private List<Scheduler.Partition> partitionsOf(String cluster) {
        Slurm s = slurm(cluster(cluster).name());
        List<Slurm.Node> nodes = s.nodes();
        List<Scheduler.Partition> result = new ArrayList<>();
        for (Slurm.Partition p : s.partitions()) {
            List<Slurm.Node> in = nodes.stream().filter(n -> n.partitions().contains(p.name())).toList();
            result.add(new Scheduler.Partition(p.name(), p.isDefault(), p.state(),
                    (int) in.stream().filter(Slurm.Node::idle).count(), p.totalNodes(),
                    in.stream().filter(Slurm.Node::usable).mapToInt(n -> Math.max(0, n.gpus() - n.gpusUsed())).sum(),
                    in.stream().mapToInt(Slurm.Node::gpus).sum(), p.maxTime()));
        }
        return result;
    }

    private Path knownHosts() { return home.resolve("known_hosts"); }

    /** The cluster named {@code name}, with a suggestion when there is none. */
    public Cluster cluster(String name) { return ClusterFile.find(name, clustersDir, userHome); }

    /** The cluster files there are. */
    public List<String> clusterNames() { return ClusterFile.names(clustersDir); }

    /** Slurm's commands on cluster {@code name}. */
    Slurm slurm(String name) {
        Cluster c = cluster(name);
        Slurm known = slurms.get(name);
        if (known != null && known.cluster().equals(c)) return known;
        Slurm s = new Slurm(c, c.local() ? new LocalLogin(userHome) : sshLogin(c));
        slurms.put(name, s);
        return s;
    }

    private synchronized Transport sshLogin(Cluster c) {
        if (connector == null) {
            List<Path> trusted = new ArrayList<>();
            for (String n : clusterNames()) {
                try {
                    Path k = cluster(n).knownHosts();
                    if (k != null) trusted.add(k);
                } catch (InvalidSpecException ignored) {
                    // a broken cluster file fails only the jobs that use it
                }
            }
            connector = new SshConnector(knownHosts(), trusted, userHome.resolve(".ssh").resolve("config"),
                    SshConnector.passphraseFromEnvironment());
        }
        Cluster.Login l = c.login();
        return new SshTransport(connector, new SshTarget(l.host(), l.port(), l.user(), l.key() == null ? List.of() : List.of(l.key()),
                l.jump()), "login host " + l.display() + " of cluster " + c.name(), Map.of(), null);
    }

    // ---- what exists -------------------------------------------------------------------------------------

    @Override
    public List<Instance> list() {
        List<Instance> result = new ArrayList<>();
        Map<String, FastGpuException> failed = new LinkedHashMap<>();
        List<String> names = clusterNames();
        for (String name : names) {
            try {
                Slurm s = slurm(name);
                List<Allocation> all = s.allocations();
                Map<String, String> addresses = all.stream().anyMatch(Allocation::running) ? s.nodeAddresses() : Map.of();
                for (Allocation a : all) {
                    if (!a.live()) continue;
                    String queue = a.pending() ? queueNote(s, a) : "";
                    for (int i = 0; i < a.tasks().size(); i++) {
                        if (a.tasks().get(i).equals(Allocation.RELEASED)) continue;
                        result.add(instance(name, a, i, addresses, queue));
                    }
                }
            } catch (FastGpuException e) {
                failed.put(name, e);
            }
        }
        // No cluster answers: one error (what ls notes, what a launch says). A cluster that does not answer while
        // others do is left out here; a job that uses it gets the error itself, in one line, from validate.
        if (!failed.isEmpty() && failed.size() == names.size()) {
            var first = failed.entrySet().iterator().next();
            throw names.size() == 1 ? first.getValue() : new FastGpuException("no Slurm cluster answers; " + first.getKey() + ": "
                    + first.getValue().getMessage(), first.getValue());
        }
        return result;
    }

    private static String queueNote(Slurm s, Allocation a) {
        int pos = s.queuePosition(a.jobId(), a.partition());
        return pos > 0 ? ", #" + pos + " in the queue of partition " + a.partition() : "";
    }

    static String id(String cluster, String jobId, int index) { return "slurm-" + cluster + "-" + jobId + "-" + index; }

    private Instance instance(String cluster, Allocation a, int i, Map<String, String> addresses, String queue) {
        String id = id(cluster, a.jobId(), i);
        InstanceState state = switch (a.state()) {
            case "PENDING" -> InstanceState.PENDING;
            case "CONFIGURING" -> InstanceState.STARTING;
            case "RUNNING" -> Files.exists(stoppedMark(id)) ? InstanceState.STOPPED : InstanceState.RUNNING;
            case "SUSPENDED" -> InstanceState.STOPPED;
            case "COMPLETING" -> InstanceState.STOPPING;
            case "COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY" ->
                    InstanceState.TERMINATED;
            default -> InstanceState.UNRECOGNIZED;
        };
        String node = i < a.nodes().size() ? a.nodes().get(i) : "";
        String type = a.pending()
                ? "slurm job " + a.jobId() + " pending (" + a.reason() + ")" + queue
                : "slurm job " + a.jobId() + " on " + node + " (" + a.partition() + ", " + a.timeLeft() + " left)";
        int gpus = a.gpusPerNode();
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.JOB, a.job());
        tags.put(Tags.TASK, String.valueOf(i));
        if (!a.owner().isEmpty()) tags.put(Tags.OWNER, a.owner());
        tags.put(CLUSTER_TAG, cluster);
        tags.put(JOB_ID_TAG, a.jobId());
        if (!node.isEmpty()) tags.put("slurm:node", node);
        return new Instance(id, a.tasks().get(i), NAME, state, type, gpus > 0 ? "GPU x " + gpus : "-", "",
                addresses.getOrDefault(node, ""), a.submitted(), tags);
    }

    /** A task of an allocation, as its id names it. */
    private record Held(Slurm slurm, Allocation allocation, int index, String id) {
        String name() { return allocation.tasks().get(index); }

        String node() { return index < allocation.nodes().size() ? allocation.nodes().get(index) : ""; }
    }

    private Held held(String id) {
        if (!id.startsWith("slurm-")) throw new NotFoundException("no slurm task with id " + id);
        int last = id.lastIndexOf('-');
        int mid = id.lastIndexOf('-', last - 1);
        if (last < 0 || mid <= "slurm".length()) throw new NotFoundException("no slurm task with id " + id);
        String cluster = id.substring("slurm-".length(), mid);
        String jobId = id.substring(mid + 1, last);
        int index = Integer.parseInt(id.substring(last + 1));
        Slurm s = slurm(cluster);
        Allocation a = s.allocation(jobId).filter(x -> index < x.tasks().size() && !x.tasks().get(index).equals(Allocation.RELEASED))
                .orElseThrow(() -> new NotFoundException("slurm task " + id + " no longer exists (its allocation " + jobId + " is gone)"));
        return new Held(s, a, index, id);
    }

    // ---- planning and making -----------------------------------------------------------------------------

    @Override
    public CreatePlan validate(List<CreateRequest> requests) {
        if (requests.isEmpty()) return CreatePlan.of(requests);
        String clusterName = requests.get(0).options().get(CLUSTER);
        Slurm s = slurm(cluster(clusterName).name());
        Cluster.Defaults d = s.cluster().defaults();
        List<Slurm.Partition> partitions = s.partitions();
        Slurm.Partition partition;
        if (d.partition().isEmpty()) {
            partition = partitions.stream().filter(Slurm.Partition::isDefault).findFirst()
                    .orElseThrow(() -> new InvalidSpecException("cluster '" + clusterName + "' has no default partition; name one with"
                            + " 'partition:' in " + clustersDir.resolve(clusterName + ".yaml")));
        } else {
            List<String> names = partitions.stream().map(Slurm.Partition::name).toList();
            partition = partitions.stream().filter(p -> p.name().equals(d.partition())).findFirst()
                    .orElseThrow(() -> new InvalidSpecException("no partition '" + d.partition() + "' on Slurm cluster '" + clusterName + "'"
                            + Suggest.closest(d.partition(), names).map(x -> " (did you mean '" + x + "'?)").orElse("")
                            + "; partitions: " + String.join(", ", names)));
        }
        int n = requests.size();
        if (n > partition.totalNodes()) {
            throw new InvalidSpecException("partition '" + partition.name() + "' of Slurm cluster '" + clusterName + "' has "
                    + partition.totalNodes() + " node(s) but the job asks for " + n + " (one per task); lower 'machines' or use a larger partition");
        }
        if (!d.time().isEmpty()) {
            var asked = SlurmTime.parse(d.time()).orElseThrow(() -> new InvalidSpecException("time '" + d.time() + "' of cluster '"
                    + clusterName + "' is not a Slurm time limit (minutes, h:mm:ss or d-hh:mm:ss)"));
            var max = SlurmTime.parse(partition.maxTime());
            if (max.isPresent() && asked.compareTo(max.get()) > 0) {
                throw new InvalidSpecException("time " + d.time() + " is above the limit of partition '" + partition.name()
                        + "' of Slurm cluster '" + clusterName + "' (" + partition.maxTime() + "); ask for at most that");
            }
        }
        List<String> args = sbatchArgs(requests, d, partition.name());
        Optional<String> never = s.testOnly(args);
        if (never.isPresent()) {
            throw new InvalidSpecException("Slurm cluster '" + clusterName + "' cannot run the job's allocation (" + n + " node(s), partition "
                    + partition.name() + (d.gres().isEmpty() ? "" : ", gres " + d.gres()) + (d.constraint().isEmpty() ? "" : ", constraint "
                    + d.constraint()) + "): " + never.get() + "; 'fastgpu slurm info " + clusterName + "' shows what it offers");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("cluster", clusterName);
        details.put("partition", partition.name());
        details.put("sbatch", String.join(" ", args.subList(0, args.size() - 1)));
        return new CreatePlan(requests, details);
    }

    private static String jobOf(CreateRequest r) {
        String job = r.tags().get(Tags.JOB);
        return job != null ? job : r.name().replaceFirst("^[^.]*\\.", "");
    }

    private static List<String> sbatchArgs(List<CreateRequest> requests, Cluster.Defaults d, String partition) {
        String job = jobOf(requests.get(0));
        String owner = requests.get(0).tags().getOrDefault(Tags.OWNER, Tags.currentOwner());
        List<String> args = new ArrayList<>(List.of("--nodes=" + requests.size(), "--ntasks-per-node=1",
                "--job-name=fastgpu." + job, "--comment=" + Allocation.comment(job, owner, requests.stream().map(CreateRequest::name).toList()),
                "--exclusive", "--output=/dev/null", "--error=/dev/null", "--chdir=/tmp", "--no-requeue", "--partition=" + partition));
        if (!d.account().isEmpty()) args.add("--account=" + d.account());
        if (!d.qos().isEmpty()) args.add("--qos=" + d.qos());
        if (!d.gres().isEmpty()) args.add("--gres=" + d.gres());
        if (!d.time().isEmpty()) args.add("--time=" + d.time());
        if (!d.constraint().isEmpty()) args.add("--constraint=" + d.constraint());
        // The batch script only holds the nodes; the tasks' commands run as steps beside it.
        args.add("--wrap=exec sleep infinity");
        return args;
    }

    /** One allocation for the whole plan; a name another allocation took meanwhile cancels it again. */
    @Override
    public CreateOutcome create(CreatePlan plan) {
        if (plan.isEmpty()) return CreateOutcome.of(List.of());
        String clusterName = plan.requests().get(0).options().get(CLUSTER);
        Slurm s = slurm(clusterName);
        List<String> names = plan.requests().stream().map(CreateRequest::name).toList();
        String jobId;
        try {
            jobId = s.submit(sbatchArgs(plan.requests(), s.cluster().defaults(),
                    plan.details().getOrDefault("partition", s.cluster().defaults().partition())));
        } catch (FastGpuException e) {
            return new CreateOutcome(List.of(), List.of(new CreateOutcome.Failure(names.get(0), e)), List.of());
        }
        // Names are unique among the live allocations: the older allocation keeps a name both claim.
        List<Allocation> all = s.allocations();
        List<CreateOutcome.Failure> taken = new ArrayList<>();
        for (String n : names) {
            all.stream().filter(a -> a.live() && !a.jobId().equals(jobId) && a.tasks().contains(n)
                            && Long.parseLong(a.jobId()) < Long.parseLong(jobId)).findFirst()
                    .ifPresent(a -> taken.add(new CreateOutcome.Failure(n, new FastGpuException("an instance named " + n
                            + " already exists (Slurm allocation " + a.jobId() + " on cluster " + clusterName + ")"))));
        }
        if (!taken.isEmpty()) {
            s.cancel(jobId);
            List<String> failedNames = taken.stream().map(CreateOutcome.Failure::name).toList();
            return new CreateOutcome(List.of(), taken, names.stream().filter(n -> !failedNames.contains(n)).toList());
        }
        Allocation mine = all.stream().filter(a -> a.jobId().equals(jobId)).findFirst()
                .orElseThrow(() -> new FastGpuException("Slurm accepted allocation " + jobId + " but does not list it; cancel it with 'scancel " + jobId + "'"));
        events.on(new Event.Notice(Event.Level.INFO, "Slurm allocation " + jobId + " on cluster " + clusterName + " holds " + String.join(", ", names)));
        List<Instance> made = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) made.add(instance(clusterName, mine, i, Map.of(), ""));
        return CreateOutcome.of(made);
    }

    @Override
    public List<Instance> awaitReady(List<String> ids, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, String> lastNote = new HashMap<>();
        long pause = 200;
        while (true) {
            List<Instance> ready = new ArrayList<>();
            boolean waiting = false;
            for (String id : ids) {
                Held h = held(id);
                Allocation a = h.allocation();
                if (Files.exists(stoppedMark(id))) {
                    throw new FastGpuException(h.name() + " is stopped; start it with 'fastgpu start " + h.name() + "'");
                }
                if (a.running()) continue;
                if (!a.live()) {
                    throw new FastGpuException(h.name() + ": Slurm allocation " + a.jobId() + " ended before it ran (" + a.state()
                            + ", " + a.reason() + ")");
                }
                waiting = true;
                if (a.reason().equals("None")) continue; // just submitted: the scheduler has not looked at it yet
                String note = h.name() + ": Slurm allocation " + a.jobId() + " pending (" + a.reason() + ")" + queueNote(h.slurm(), a);
                if (!note.equals(lastNote.put(id, note))) events.on(new Event.Notice(Event.Level.INFO, note));
            }
            if (!waiting) {
                for (String id : ids) ready.add(prepare(held(id)));
                return ready;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new FastGpuException("timed out after " + timeout.toMinutes() + "m waiting for Slurm: " + String.join("; ", lastNote.values())
                        + "; the allocation stays queued: 'fastgpu kill' cancels it");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FastGpuException("interrupted while waiting for Slurm: " + String.join("; ", lastNote.values()), e);
            }
            pause = Math.min(1000, pause * 2);
        }
    }

    /** The task's folder exists; its instance, with its node's address. */
    private Instance prepare(Held h) {
        String taskHome = taskHome(h);
        if (h.slurm().cluster().sharedHome()) {
            h.slurm().must("making the folder of " + h.name(), "mkdir -p " + ShellQuote.quote(taskHome));
        } else {
            int rc = transport(h).exec("true", OutputSink.DISCARD, Duration.ofMinutes(1)); // srun --chdir makes nothing: cd fails
            if (rc != 0) new SlurmTransport(h.slurm(), h.allocation().jobId(), h.node(), h.id(), h.name(), "/")
                    .exec("mkdir -p " + ShellQuote.quote(taskHome), OutputSink.DISCARD, Duration.ofMinutes(1));
        }
        return instance(clusterOf(h), h.allocation(), h.index(), h.slurm().nodeAddresses(), "");
    }

    private static String clusterOf(Held h) { return h.slurm().cluster().name(); }

    private String root(Slurm s) {
        String w = s.cluster().workdir();
        return w.startsWith("/") ? w : s.login().home() + "/" + w;
    }

    private String taskHome(Held h) { return root(h.slurm()) + "/" + h.id(); }

    // ---- acting on one task ------------------------------------------------------------------------------

    private Path stoppedMark(String id) { return stoppedDir.resolve(id); }

    @Override
    public void start(String id) {
        held(id);
        try {
            Files.deleteIfExists(stoppedMark(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop(String id) {
        Held h = held(id);
        if (h.allocation().running()) endProcesses(h);
        try {
            Files.createDirectories(stoppedDir);
            Files.writeString(stoppedMark(id), h.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void destroy(String id) {
        Held h = held(id);
        Allocation a = h.allocation();
        if (a.running()) {
            endProcesses(h);
            String dir = taskHome(h);
            if (h.slurm().cluster().sharedHome()) h.slurm().must("removing the folder of " + h.name(), "rm -rf " + ShellQuote.quote(dir));
            else new SlurmTransport(h.slurm(), a.jobId(), h.node(), id, h.name(), "/").exec("rm -rf " + ShellQuote.quote(dir),
                    OutputSink.DISCARD, Duration.ofMinutes(5));
        }
        // The comment is read, changed and written back: one change of an allocation at a time, here and in other processes.
        boolean cancelled = locked(a.jobId(), () -> {
            Allocation now = held(id).allocation();
            Allocation after = now.withTask(h.index(), Allocation.RELEASED);
            if (after.tasks().stream().allMatch(Allocation.RELEASED::equals)) {
                if (now.live()) h.slurm().cancel(now.jobId());
                return true;
            }
            h.slurm().setComment(now.jobId(), after.comment());
            return false;
        });
        events.on(new Event.Notice(Event.Level.INFO, h.name() + (cancelled ? " released; Slurm allocation " + a.jobId() + " cancelled"
                : " released (Slurm allocation " + a.jobId() + " keeps its other tasks)")));
        try {
            Files.deleteIfExists(stoppedMark(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends every process of the task on its node (detached ones too, which Slurm's step tracking may miss). */
    private void endProcesses(Held h) {
        var err = new java.io.ByteArrayOutputStream();
        int rc = new SlurmTransport(h.slurm(), h.allocation().jobId(), h.node(), "-", h.name(), "/").exec(
                ProcessMarker.endScript(ProcessMarker.INSTANCE, h.id()), new OutputSink() {
                    @Override public void stdout(byte[] b, int n) { }
                    @Override public void stderr(byte[] b, int n) { err.write(b, 0, n); }
                }, Duration.ofMinutes(1));
        if (rc != 0) {
            throw new FastGpuException(h.name() + ": could not end its processes on node " + h.node() + ": "
                    + err.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    @Override
    public void rename(String id, String newName) {
        Held h = held(id);
        if (h.slurm().allocations().stream().anyMatch(a -> a.live() && a.tasks().contains(newName))) {
            throw new FastGpuException("an instance named " + newName + " already exists");
        }
        locked(h.allocation().jobId(), () -> {
            Allocation now = held(id).allocation();
            h.slurm().setComment(now.jobId(), now.withTask(h.index(), newName).comment());
            return null;
        });
    }

    /** Runs {@code action} holding the lock of allocation {@code jobId}: a monitor in this JVM, a file lock across processes. */
    private <T> T locked(String jobId, java.util.function.Supplier<T> action) {
        Path lock = home.resolve("slurm").resolve("locks").resolve(jobId + ".lock").toAbsolutePath().normalize();
        synchronized (JVM_LOCKS.computeIfAbsent(lock, k -> new Object())) {
            try {
                Files.createDirectories(lock.getParent());
                try (var ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE); var ignored = ch.lock()) {
                    return action.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lock, e);
            }
        }
    }

    @Override
    public Transport transport(Instance instance) {
        Held h = held(instance.id());
        return transport(h);
    }

    private Transport transport(Held h) {
        if (Files.exists(stoppedMark(h.id()))) {
            throw new FastGpuException(h.name() + " is stopped; start it with 'fastgpu start " + h.name() + "'");
        }
        if (!h.allocation().running()) {
            throw new FastGpuException(h.name() + ": its Slurm allocation " + h.allocation().jobId() + " is " + h.allocation().state().toLowerCase()
                    + " (" + h.allocation().reason() + ")");
        }
        return new SlurmTransport(h.slurm(), h.allocation().jobId(), h.node(), h.id(), h.name(), taskHome(h));
    }

    @Override
    public String runRoot(Instance instance) { return root(held(instance.id()).slurm()); }

    @Override
    public synchronized void close() {
        if (connector != null) connector.close();
    }
}
