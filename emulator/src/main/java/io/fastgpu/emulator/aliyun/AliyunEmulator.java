package io.fastgpu.emulator.aliyun;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An offline stand-in for the Alibaba Cloud OpenAPI: an HTTP server on loopback that the official
 * SDKs can be pointed at ({@code Config.setEndpoint("127.0.0.1:" + port())},
 * {@code setProtocol("http")}). One endpoint serves ECS (2014-05-26), VPC (2016-04-28) and NAS
 * (2017-06-26), told apart by the API version each request carries ({@link Products}). Each call
 * goes through the {@link RequestPipeline}: signature check against the configured key pairs, flow
 * control, the action, an answer in the APIs' JSON shape with a {@code RequestId}, errors as the
 * cloud words them.
 *
 * <p>In-process components (such as emulated machines) can follow the instances without the HTTP
 * API: {@link #instances()}, {@link #publicKeyOf}, {@link #addChangeListener} and
 * {@link #nasDirectory}. {@link #callCounts()} tells how many calls of each action it answered and
 * how many of them it throttled (for benchmarks); {@link #testHooks()} changes the cloud from outside.
 *
 * <p>Use: {@code try (var emu = new AliyunEmulator(config).start()) { ... }}.
 */
public final class AliyunEmulator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AliyunEmulator.class.getName());

    static {
        // The JDK server writes a response's headers and body separately; with Nagle's algorithm on,
        // the body then waits for the client's delayed ACK (~40 ms a call). Read once, when the JDK
        // server is first used, so an application that set it explicitly keeps its choice.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Where the emulator answers the caller's public address as plain text (see {@link #publicIpUrl()}). */
    public static final String PUBLIC_IP_PATH = "/fastgpu/public-ip";

    /** Calls of one action: how many were answered in all, and how many of those were {@code Throttling.User}. */
    public record CallCount(long calls, long throttled) {}

    private final int requestedPort;
    private final Cloud cloud;
    private final NasFolders nasFolders;
    private final RequestPipeline pipeline;
    private final EmulatorTestHooks hooks;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final InstanceMetadata metadata;
    /** Serializes all state-touching calls: the emulator favours simple correctness over throughput. */
    private final Object stateLock = new Object();
    private HttpServer server;
    private ExecutorService executor;

    /** An emulator on any free port. */
    public AliyunEmulator(EmulatorConfig config) {
        this(config, 0);
    }

    /** An emulator on {@code port} (0: any free port). Loads the state file, if any, at once. */
    public AliyunEmulator(EmulatorConfig config, int port) {
        this.requestedPort = port;
        this.cloud = new Cloud(config, EmulatorState.load(config.stateFile()));
        this.nasFolders = new NasFolders(config.stateFile() == null ? null
                : config.stateFile().toAbsolutePath().getParent().resolve("nas"));
        this.pipeline = new RequestPipeline(config, Products.create(cloud, nasFolders), cloud, stateLock,
                this::notifyListeners);
        this.hooks = new EmulatorTestHooks(this, pipeline.throttler());
        this.metadata = new InstanceMetadata(pipeline.roleCredentials(), id -> read(c -> {
            InstanceRecord i = c.state.instance(id);
            return i == null ? null : i.ramRoleName();
        }));
    }

    /** Binds 127.0.0.1 and starts serving. */
    public AliyunEmulator start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "aliyun-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", pipeline::serve);
        server.createContext(PUBLIC_IP_PATH, new PublicAddressLookup(cloud));
        server.createContext(InstanceMetadata.PATH, metadata);
        server.start();
        return this;
    }

    /** The shared state, for tests of this package. */
    Cloud cloud() {
        return cloud;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** What to pass to the SDK's {@code Config.setEndpoint}. */
    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    /**
     * The emulated internet's "what is my IP" service: a GET answers {@link #callerIp()} as plain text.
     * What {@code FASTGPU_PUBLIC_IP_URL} should be, so that {@code fastgpu addip} finds the caller.
     */
    public String publicIpUrl() {
        return "http://" + endpoint() + PUBLIC_IP_PATH;
    }

    /**
     * The instance metadata service as the machine of {@code instanceId} reaches it (what
     * {@code http://100.100.100.200} is on the cloud): {@code <this>/latest/meta-data/instance/spot/termination-time}
     * answers once the cloud announced the instance's reclaim, {@code <this>/latest/meta-data/ram/security-credentials/<role>}
     * the temporary credentials of the instance's RAM role.
     */
    public String metadataUrl(String instanceId) {
        return "http://" + endpoint() + InstanceMetadata.PATH + instanceId;
    }

    /** The metadata service's notices, for the test hooks. */
    InstanceMetadata metadata() {
        return metadata;
    }

    /** The caller's public address as the emulated internet sees it now ({@link EmulatorConfig#callerIp}). */
    public String callerIp() {
        return cloud.callerIp();
    }

    /** Changes to the running cloud that tests and benchmarks make from outside the API. */
    public EmulatorTestHooks testHooks() {
        return hooks;
    }

    /** The calls answered so far, by action (signed requests naming an action; throttled ones included). */
    public Map<String, CallCount> callCounts() {
        return pipeline.counts();
    }

    /**
     * Every instance not yet released, in creation order, with its status as of now. Statuses move
     * on with time (Pending → Starting → Running after the boot latency) without any call, so a
     * component that follows them calls this again when notified or when a latency has elapsed.
     */
    public List<InstanceView> instances() {
        synchronized (stateLock) {
            Instant now = cloud.clock.instant();
            List<InstanceView> views = new ArrayList<>();
            for (InstanceRecord i : cloud.state.instances.values()) {
                KeyPairRecord keyPair = cloud.state.keyPair(i.regionId(), i.keyPairName());
                views.add(new InstanceView(i.instanceId(), i.regionId(), i.zoneId(), i.instanceName(),
                        i.instanceType(), cloud.lifecycle.statusAt(i, now), i.privateIp(), i.publicIp(),
                        i.keyPairName(), keyPair == null ? null : keyPair.publicKey(), i.hostName()));
            }
            return views;
        }
    }

    /** The OpenSSH public key line of a key pair, if the region has one of that name. */
    public Optional<String> publicKeyOf(String keyPairName, String regionId) {
        synchronized (stateLock) {
            KeyPairRecord keyPair = cloud.state.keyPair(regionId, keyPairName);
            return Optional.ofNullable(keyPair).map(KeyPairRecord::publicKey);
        }
    }

    /**
     * The host folder holding the data of a NAS file system: {@code nas/<FileSystemId>} beside the
     * state file, or under a temporary folder (removed on {@link #close()}) when the state is in
     * memory. It exists from CreateFileSystem to DeleteFileSystem, which removes it with its data.
     *
     * @throws IllegalArgumentException when no such file system exists
     */
    public Path nasDirectory(String fileSystemId) {
        synchronized (stateLock) {
            if (!cloud.state.fileSystems.containsKey(fileSystemId)) {
                throw new IllegalArgumentException("no NAS file system " + fileSystemId);
            }
            nasFolders.create(fileSystemId);
            return nasFolders.folder(fileSystemId);
        }
    }

    /** The host folder behind each NAS mount target, by mount target domain (for emulated NFS mounts). */
    public Map<String, Path> nasMounts() {
        synchronized (stateLock) {
            Map<String, Path> mounts = new LinkedHashMap<>();
            for (MountTargetRecord m : cloud.state.mountTargets.values()) {
                if (!cloud.state.fileSystems.containsKey(m.fileSystemId())) {
                    continue;
                }
                nasFolders.create(m.fileSystemId());
                mounts.put(m.mountTargetDomain(), nasFolders.folder(m.fileSystemId()));
            }
            return mounts;
        }
    }

    /**
     * Registers a listener called after every call that changed the emulated account (instances
     * created, started, stopped, renamed, tagged, released or reclaimed; networks, groups, keys or
     * file systems created or deleted). It runs on the emulator's request thread after the response
     * was sent, must not block for long, and learns what changed by calling {@link #instances()}.
     */
    public void addChangeListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Unregisters a listener added with {@link #addChangeListener}. */
    public void removeChangeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /**
     * The instance shut itself down from inside ({@code shutdown -h now} on the machine): as ECS does, it goes
     * Stopping, then Stopped after the stop latency. Nothing happens when it is not Running.
     */
    public void shutDownFromInside(String instanceId) {
        change(cloud -> {
            InstanceRecord i = cloud.state.instance(instanceId);
            java.time.Instant now = cloud.clock.instant();
            if (i != null && InstanceStateMachine.RUNNING.equals(cloud.lifecycle.statusAt(i, now))) {
                cloud.state.put(InstanceStateMachine.change(i, false, now));
                cloud.changed();
            }
        });
    }

    /** What {@code read} finds in the account, under the state lock. */
    <T> T read(Function<Cloud, T> read) {
        synchronized (stateLock) {
            return read.apply(cloud);
        }
    }

    /** Runs {@code change} under the state lock, then tells the listeners if it changed the account. */
    void change(Consumer<Cloud> change) {
        boolean changed;
        synchronized (stateLock) {
            try {
                change.accept(cloud);
            } finally {
                changed = cloud.consumeChanged();
            }
        }
        if (changed) {
            notifyListeners();
        }
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "emulator change listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
        nasFolders.close();
    }
}
