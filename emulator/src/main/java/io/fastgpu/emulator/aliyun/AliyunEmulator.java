package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An offline stand-in for the Alibaba Cloud OpenAPI: an HTTP server on loopback that the official
 * SDKs can be pointed at ({@code Config.setEndpoint("127.0.0.1:" + port())},
 * {@code setProtocol("http")}). One endpoint serves ECS (2014-05-26), VPC (2016-04-28) and NAS
 * (2017-06-26), told apart by the API version each request carries. It checks signatures against
 * its configured key pairs, answers in the APIs' JSON shapes with a {@code RequestId}, and errors
 * as the cloud does.
 *
 * <p>In-process components (such as emulated machines) can follow the instances without the HTTP
 * API: {@link #instances()}, {@link #publicKeyOf}, {@link #addChangeListener} and
 * {@link #nasDirectory}. {@link #callCounts()} tells how many calls of each action it answered and
 * how many of them it throttled (for benchmarks).
 *
 * <p>Use: {@code try (var emu = new AliyunEmulator(config).start()) { ... }}.
 */
public final class AliyunEmulator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AliyunEmulator.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server writes a response's headers and body separately; with Nagle's algorithm on,
        // the body then waits for the client's delayed ACK (~40 ms a call). Read once, when the JDK
        // server is first used, so an application that set it explicitly keeps its choice.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final EmulatorConfig config;
    private final int requestedPort;
    private final RequestAuthenticator authenticator;
    private final Throttler throttler;
    private final Cloud cloud;
    private final EcsActions ecs;
    /** The products by API version. */
    private final Map<String, Product> products = new LinkedHashMap<>();
    private final NasActions.NasFolders nasFolders;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** By action: {calls, throttled}. */
    private final Map<String, AtomicLongArray> counts = new ConcurrentHashMap<>();
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
        this.config = config;
        this.requestedPort = port;
        this.authenticator = new RequestAuthenticator(config.accessKeys(), config.clock());
        this.throttler = new Throttler(config.throttlePerSecond());
        this.cloud = new Cloud(config, EmulatorState.load(config.stateFile()));
        this.nasFolders = new NasActions.NasFolders(config.stateFile() == null ? null
                : config.stateFile().toAbsolutePath().getParent().resolve("nas"));

        Product ecsProduct = new Product("Ecs", EcsActions.VERSION, req -> EcsActions.hostId(cloud, req));
        this.ecs = new EcsActions(cloud);
        ecs.register(ecsProduct);
        new SecurityGroupActions(cloud).register(ecsProduct);
        new KeyPairActions(cloud).register(ecsProduct);
        new CatalogActions(cloud).register(ecsProduct);
        new TagActions(cloud, false).register(ecsProduct);
        Product vpcProduct = new Product("Vpc", VpcActions.VERSION, VpcActions::hostId);
        new VpcActions(cloud).register(vpcProduct);
        new TagActions(cloud, true).register(vpcProduct);
        Product nasProduct = new Product("NAS", NasActions.VERSION, NasActions::hostId);
        new NasActions(cloud, nasFolders).register(nasProduct);
        for (Product p : List.of(ecsProduct, vpcProduct, nasProduct)) {
            products.put(p.version, p);
        }
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
        server.createContext("/", this::serve);
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

    /** Sets (or with 0, removes) the calls-per-second limit of an action, taking effect at once. */
    public void setThrottle(String action, int perSecond) {
        throttler.setLimit(action, perSecond);
    }

    /** Calls of one action: how many were answered in all, and how many of those were {@code Throttling.User}. */
    public record CallCount(long calls, long throttled) {}

    /** The calls answered so far, by action (signed requests naming an action; throttled ones included). */
    public Map<String, CallCount> callCounts() {
        Map<String, CallCount> result = new TreeMap<>();
        counts.forEach((action, c) -> result.put(action, new CallCount(c.get(0), c.get(1))));
        return result;
    }

    /** Sets how many instances of a type a zone can hold (0 sells it out). */
    /** Test hook: every call of {@code action} is throttled until this is called again with false. */
    public void throttleAlways(String action, boolean on) {
        throttler.block(action, on);
    }

    public void setCapacity(String zoneId, String instanceType, int capacity) {
        synchronized (stateLock) {
            cloud.setCapacity(zoneId, instanceType, capacity);
        }
    }

    /** Test hook: the cloud reclaims a spot instance (stopped, locked with reason {@code Recycling}). */
    public void interruptSpotInstance(String instanceId) {
        synchronized (stateLock) {
            ecs.interruptSpotInstance(instanceId);
            cloud.consumeChanged();
        }
        notifyListeners();
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
                views.add(new InstanceView(i.instanceId(), i.regionId(), i.zoneId(), i.instanceName(), i.instanceType(),
                        cloud.lifecycle.statusAt(i, now), i.privateIp(), i.publicIp(), i.keyPairName(),
                        keyPair == null ? null : keyPair.publicKey(), i.hostName()));
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
                if (!cloud.state.fileSystems.containsKey(m.fileSystemId())) continue;
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

    private void serve(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String action = null;
        int status;
        ObjectNode body;
        String hostId = "ecs.aliyuncs.com";
        String productCode = "Ecs";
        boolean changed = false;
        try (exchange) {
            try {
                byte[] bytes = exchange.getRequestBody().readAllBytes();
                Map<String, String> headers = new LinkedHashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
                ApiRequest req = ApiRequest.of(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), headers, bytes);
                action = req.action();
                Product product = products.get(req.version());
                if (product != null) {
                    hostId = product.hostId(req);
                    productCode = product.code;
                }
                authenticator.authenticate(req);
                if (action == null) {
                    throw ApiError.missingParameter("Action");
                }
                if (product == null || !product.supports(action)) {
                    throw ApiError.invalidAction(action);
                }
                AtomicLongArray count = counts.computeIfAbsent(action, a -> new AtomicLongArray(2));
                count.incrementAndGet(0);
                try {
                    throttler.admit(action, config.clock().millis());
                } catch (ApiError e) {
                    count.incrementAndGet(1);
                    throw e;
                }
                synchronized (stateLock) {
                    try {
                        body = product.handle(action, req);
                    } finally {
                        changed = cloud.consumeChanged();
                    }
                }
                status = 200;
            } catch (ApiError e) {
                status = e.httpStatus();
                body = errorBody(e.code(), e.getMessage(), requestId, hostId, productCode);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "emulator failure in " + action, e);
                status = 500;
                body = errorBody("InternalError",
                        "The request processing has failed due to some unknown error, exception or failure.", requestId, hostId,
                        productCode);
            }
            // RequestId first, as the cloud writes it.
            ObjectNode out = JSON.createObjectNode().put("RequestId", requestId);
            out.setAll(body);
            byte[] payload = JSON.writeValueAsBytes(out);
            LOG.log(System.Logger.Level.DEBUG, () -> exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + " action=" + exchange.getRequestHeaders().getFirst("x-acs-action") + " -> " + payload.length + " bytes");
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
            exchange.getResponseHeaders().set("x-acs-request-id", requestId);
            exchange.sendResponseHeaders(status, payload.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(payload);
            }
        }
        if (changed) {
            notifyListeners();
        }
    }

    private static ObjectNode errorBody(String code, String message, String requestId, String hostId,
            String product) {
        return JSON.createObjectNode()
                .put("HostId", hostId)
                .put("Code", code)
                .put("Message", message)
                .put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + code + "&product=" + product
                        + "&requestId=" + requestId);
    }

    /**
     * Runs the emulator standalone until killed:
     * {@code --access-key-id ID --access-key-secret SECRET [--port N] [--state FILE] [--boot-latency-ms N]
     * [--loopback-addresses true]}.
     * The secret may instead come from the environment variable {@code ALIYUN_EMULATOR_ACCESS_KEY_SECRET}
     * so it need not appear in process listings.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                usage("unexpected argument " + a);
            }
            opts.put(a.substring(2), args[++i]);
        }
        for (String key : opts.keySet()) {
            if (!List.of("port", "state", "access-key-id", "access-key-secret", "boot-latency-ms", "loopback-addresses")
                    .contains(key)) {
                usage("unknown option --" + key);
            }
        }
        String keyId = opts.get("access-key-id");
        String secret = opts.getOrDefault("access-key-secret", System.getenv("ALIYUN_EMULATOR_ACCESS_KEY_SECRET"));
        if (keyId == null || secret == null) {
            usage("--access-key-id and --access-key-secret are required");
        }
        EmulatorConfig.Builder builder = EmulatorConfig.builder().accessKey(keyId, secret);
        if (opts.containsKey("state")) {
            builder.stateFile(Path.of(opts.get("state")));
        }
        if (opts.containsKey("boot-latency-ms")) {
            builder.bootLatency(Duration.ofMillis(Long.parseLong(opts.get("boot-latency-ms"))));
        }
        if (opts.containsKey("loopback-addresses")) {
            builder.loopbackAddresses(Boolean.parseBoolean(opts.get("loopback-addresses")));
        }
        AliyunEmulator emulator = new AliyunEmulator(builder.build(), Integer.parseInt(opts.getOrDefault("port", "0")));
        emulator.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        // Printed for scripts that start the emulator on port 0 and need to learn the port; key id only, never the secret.
        System.out.println("aliyun-emulator listening on " + emulator.endpoint() + " (access key id " + keyId + ")");
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: AliyunEmulator --access-key-id ID --access-key-secret SECRET"
                + " [--port N] [--state FILE] [--boot-latency-ms N] [--loopback-addresses true]");
        System.exit(2);
    }
}
