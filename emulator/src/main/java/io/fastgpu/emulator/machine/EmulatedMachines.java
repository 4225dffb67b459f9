package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machines behind emulated instances: one embedded SSH server per running instance, a disk
 * folder per instance. Thread-safe.
 *
 * <p>Each machine runs its commands as host processes of this user, in its home folder, with the
 * marker {@code FASTGPU_EMULATED_INSTANCE=<instanceId>} in their environment: halting a machine
 * kills every process carrying it, however detached. The machines share this host's file system
 * outside their disks ({@code /tmp}, {@code /etc}) and its network; {@code hostname} answers the
 * machine's name.
 */
public final class EmulatedMachines implements AutoCloseable {
    private final Path root;
    private final int sshPort;
    private final IngressFilter ingress;
    private final HostTools tools = HostTools.find();
    private final ConcurrentMap<String, Machine> machines = new ConcurrentHashMap<>();
    private final ExecutorService io;
    private volatile boolean closed;
    private volatile java.util.function.Function<String, String> metadataUrls = id -> null;

    /** Machines that let every connection in ({@link IngressFilter#OPEN}). */
    public EmulatedMachines(Path root, int sshPort) {
        this(root, sshPort, IngressFilter.OPEN);
    }

    /**
     * @param root folder holding every machine's disk ({@code root/<instanceId>/...})
     * @param sshPort the port every machine listens on (each machine has its own loopback addresses,
     *     so one port number serves all)
     * @param ingress decides which new connections each machine's SSH server lets in
     */
    public EmulatedMachines(Path root, int sshPort, IngressFilter ingress) {
        if (sshPort <= 0 || sshPort > 65535) {
            throw new IllegalArgumentException("not a port: " + sshPort);
        }
        this.root = root.toAbsolutePath().normalize();
        this.sshPort = sshPort;
        this.ingress = ingress;
        AtomicInteger n = new AtomicInteger();
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "emulated-machine-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Boots the machine (idempotent): makes its disk if new ({@code root/<id>/home} is its home,
     * i.e. what {@code /root} is on a real instance), loads or creates its persisted host key (so a
     * restart keeps the same host key), and listens on each of {@code addresses:sshPort}, accepting
     * user {@code root} with exactly the given OpenSSH public key line(s) (RSA, ed25519, ECDSA). On a
     * machine already up this updates the keys, the host name and the addresses.
     *
     * @throws IllegalArgumentException for a key line that is not a public key
     * @throws UncheckedIOException when the disk cannot be made or an address cannot be bound
     */
    public void boot(String instanceId, List<String> addresses, List<String> authorizedKeys, String hostname) {
        if (closed) {
            throw new IllegalStateException("the emulated machines are closed");
        }
        MachineSpec spec = new MachineSpec(addresses, authorizedKeys, hostname);
        try {
            machine(instanceId).boot(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Runs {@code bash -c command} on the machine (made if new) without an SSH server: a managed
     * platform's node running its entry command. It runs in {@code dir} with the machine's environment
     * plus {@code env}; its output is appended to {@code log}; {@link #halt} ends it and all it started.
     */
    public Process spawn(String instanceId, String hostname, String command, Path dir, java.util.Map<String, String> env,
            Path log) {
        if (closed) {
            throw new IllegalStateException("the emulated machines are closed");
        }
        try {
            return machine(instanceId).spawn(hostname, command, dir, env, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Where each machine's commands find the instance metadata service: {@code FASTGPU_METADATA_URL} in their
     * environment is {@code urls.apply(instanceId)} (none when null), what {@code http://100.100.100.200} is on the
     * cloud. Takes effect with each machine's next command.
     */
    public void metadataService(java.util.function.Function<String, String> urls) {
        metadataUrls = urls;
    }

    /**
     * Halts it: stops accepting connections, closes sessions, ends every process it started
     * (including ones detached with setsid/nohup and tmux servers) and waits until none is left; the
     * disk stays. Idempotent; also ends processes left by an earlier emulator run.
     */
    public void halt(String instanceId) {
        machine(instanceId).halt();
    }

    /**
     * The machine hangs (a kernel stuck, a network cut): its processes stop where they are, its sessions go
     * silent and new connections are never greeted, while the cloud still lists it as running. A halt (a stop,
     * a reboot, a release) ends it.
     */
    public void hang(String instanceId) {
        machine(instanceId).hang();
    }

    /** Halts it and deletes its disk. Idempotent. */
    public void release(String instanceId) {
        Machine m = machine(instanceId);
        synchronized (m) {
            m.halt();
            m.disk().delete();
        }
    }

    /**
     * Whether the machine asked to be shut down from inside ({@code shutdown}, {@code poweroff}); the request is
     * taken (true once).
     */
    public boolean takePowerOffRequest(String instanceId) {
        Machine m = machines.get(instanceId);
        if (m == null) {
            return false;
        }
        try {
            return java.nio.file.Files.deleteIfExists(m.powerOffRequest());
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs the machine's {@code @reboot} crontab lines (after a boot). */
    public void runRebootJobs(String instanceId) {
        Machine m = machines.get(instanceId);
        if (m != null && m.isUp()) {
            m.runRebootJobs();
        }
    }

    public boolean isUp(String instanceId) {
        Machine m = machines.get(instanceId);
        return m != null && m.isUp();
    }

    /** The machine's home folder on this host. */
    public Path home(String instanceId) {
        return MachineDisk.of(root, instanceId).home();
    }

    /** Halts every machine. */
    @Override
    public void close() {
        closed = true;
        machines.values().parallelStream().forEach(Machine::halt);
        io.shutdown();
    }

    private Machine machine(String instanceId) {
        MachineDisk disk = MachineDisk.of(root, instanceId);
        return machines.computeIfAbsent(instanceId, id -> new Machine(disk, sshPort, tools, io, ingress,
                () -> metadataUrls.apply(id)));
    }
}
