package io.fastgpu.emulator.tione;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fastgpu.emulator.machine.EmulatedMachines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline TI-ONE + COS: one HTTP server on loopback. A request carrying {@code X-TC-Action} is a
 * TI-ONE API 3.0 call (TC3-HMAC-SHA256 checked, flow control, the action, {@code {"Response": ...}});
 * any other request is a COS XML API call for the bucket its Host names. Point the common SDK's
 * {@code HttpProfile} at {@link #endpoint()} (protocol {@code http://}) and the COS SDK's endpoint resolver
 * at the same address. Everything lives under {@link TioneConfig#root()} and survives a restart: tasks that
 * were on their way start again from PENDING on their emulated machines.
 */
public final class TioneEmulator implements AutoCloseable {
    static final String VERSION = "2021-11-11";
    private static final System.Logger LOG = System.getLogger(TioneEmulator.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AUTH = Pattern.compile(
            "TC3-HMAC-SHA256 Credential=([^/]+)/(\\d{4}-\\d{2}-\\d{2})/([^/]+)/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final TioneConfig config;
    private final int requestedPort;
    private final TioneState state;
    private final CosStore cos;
    private final EmulatedMachines machines;
    private final TaskRunner runner;
    private final TioneActions actions = new TioneActions(this);
    private final CosApi cosApi;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();
    private final ThreadLocal<String> caller = new ThreadLocal<>();
    private HttpServer server;
    private HeaderCaseProxy front;
    private ExecutorService executor;

    public TioneEmulator(TioneConfig config, int port) {
        this.config = config;
        this.requestedPort = port;
        Path root = config.root().toAbsolutePath();
        this.state = TioneState.load(root.resolve("state.json"));
        this.cos = new CosStore(root.resolve("cos"));
        config.buckets().forEach(cos::createBucket);
        this.machines = new EmulatedMachines(root.resolve("machines"), 2222);
        this.runner = new TaskRunner(this, machines, cos, root);
        this.cosApi = new CosApi(config, cos);
    }

    public TioneEmulator start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "tione-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        front = new HeaderCaseProxy(requestedPort, server.getAddress().getPort());
        resume();
        return this;
    }

    /** Tasks the last run left on their way start again from PENDING; one left stopping is stopped. */
    private void resume() {
        List<String> again;
        synchronized (this) {
            again = state.tasks.values().stream().filter(t -> !t.finished()).map(t -> t.id).toList();
        }
        for (String id : again) {
            TaskRecord t = task(id);
            for (int i = 0; i < t.nodes; i++) {
                machines.halt(t.pod(i));
            }
            update(id, r -> {
                if (r.status.equals("STOPPING")) {
                    r.status = "STOPPED";
                    r.endTime = System.currentTimeMillis();
                } else {
                    r.status = "SUBMITTING";
                    r.startTime = 0;
                }
            });
            if (!task(id).finished()) {
                runner.start(id);
            }
        }
    }

    public int port() {
        return front.port();
    }

    /** {@code 127.0.0.1:PORT}: the TI-ONE endpoint and the address COS requests are sent to. */
    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    public TioneConfig config() {
        return config;
    }

    /** The host folder a bucket's object lies in (tests check uploads and outputs with it). */
    public Path objectFile(String bucket, String key) {
        return cos.file(bucket, key);
    }

    /** A task's status as of now, or null when there is no such task. */
    public synchronized String status(String taskId) {
        TaskRecord t = state.tasks.get(taskId);
        return t == null ? null : t.status;
    }

    /** The names and values of the metrics pushed for a task, in order. */
    public synchronized List<String> metrics(String taskId) {
        return state.metrics.stream().filter(m -> m.taskId().equals(taskId))
                .map(m -> m.name() + "=" + m.value() + "@" + m.epoch()).toList();
    }

    TioneState state() {
        return state;
    }

    TaskRunner runner() {
        return runner;
    }

    String currentCaller() {
        return caller.get();
    }

    synchronized TaskRecord task(String id) {
        return state.tasks.get(id);
    }

    /** Changes a task under the lock and saves; returns it (a removed task reads as STOPPED). */
    synchronized TaskRecord update(String id, Consumer<TaskRecord> change) {
        TaskRecord t = state.tasks.get(id);
        if (t == null) {
            TaskRecord gone = new TaskRecord();
            gone.status = "STOPPED";
            return gone;
        }
        change.accept(t);
        state.save();
        return t;
    }

    private void serve(HttpExchange ex) throws IOException {
        if (ex.getRequestHeaders().getFirst("X-TC-Action") == null) {
            cosApi.serve(ex);
            return;
        }
        String requestId = UUID.randomUUID().toString();
        ex.getResponseHeaders().add("Connection", "close"); // one answer per connection (see HeaderCaseProxy)
        ObjectNode response;
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String action = ex.getRequestHeaders().getFirst("X-TC-Action");
            try {
                authenticate(ex, body);
                String version = ex.getRequestHeaders().getFirst("X-TC-Version");
                if (!VERSION.equals(version)) {
                    throw new ApiException("InvalidParameterValue", "The API version " + version + " is not served; use " + VERSION + ".");
                }
                if (!TioneActions.ACTIONS.contains(action)) {
                    throw new ApiException("InvalidAction", "The action " + action + " does not exist or is not emulated.");
                }
                String region = ex.getRequestHeaders().getFirst("X-TC-Region");
                if (region == null || !Catalog.REGIONS.contains(region)) {
                    throw new ApiException("UnsupportedRegion", "TI-ONE is not offered in region '" + region + "'; regions: "
                            + String.join(", ", Catalog.REGIONS) + ".");
                }
                throttle(action);
                JsonNode req = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                synchronized (this) {
                    response = actions.handle(action, region, req);
                }
            } catch (ApiException e) {
                response = JSON.createObjectNode();
                response.putObject("Error").put("Code", e.code()).put("Message", e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "TI-ONE emulator failure in " + action, e);
                response = JSON.createObjectNode();
                response.putObject("Error").put("Code", "InternalError").put("Message", "An internal error occurred.");
            } finally {
                caller.remove();
            }
            response.put("RequestId", requestId);
            ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set("Response", response);
            byte[] out = JSON.writeValueAsBytes(wrapped);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
        }
    }

    private void authenticate(HttpExchange ex, byte[] body) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        Matcher m = AUTH.matcher(auth == null ? "" : auth);
        if (!m.matches()) {
            throw new ApiException("AuthFailure.SignatureFailure", "The request is not signed with TC3-HMAC-SHA256.");
        }
        String id = m.group(1);
        String secret = null;
        if (id.equals(config.secretId())) {
            secret = config.secretKey();
        } else {
            synchronized (this) {
                for (TaskRecord t : state.tasks.values()) {
                    if (id.equals(t.roleSecretId) && !t.finished()) {
                        secret = t.roleSecretKey;
                    }
                }
            }
            if (secret != null && !"PushTrainingMetrics".equals(ex.getRequestHeaders().getFirst("X-TC-Action"))) {
                throw new ApiException("AuthFailure.UnauthorizedOperation", "A task's key may only push its metrics.");
            }
        }
        if (secret == null) {
            throw new ApiException("AuthFailure.SecretIdNotFound", "The SecretId is not found; check it in the console.");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(ex.getRequestHeaders().getFirst("X-TC-Timestamp"));
        } catch (RuntimeException e) {
            throw new ApiException("AuthFailure.SignatureFailure", "X-TC-Timestamp is missing or not a number.");
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - timestamp) > 300) {
            throw new ApiException("AuthFailure.SignatureExpire", "The signature expired: the timestamp and the server's time"
                    + " differ by more than 5 minutes.");
        }
        String date = Instant.ofEpochSecond(timestamp).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        String host = ex.getRequestHeaders().getFirst("Host");
        String service = m.group(3);
        if (!m.group(2).equals(date) || !(service.equals("tione") || service.equals(host.split("\\.")[0]))) {
            throw new ApiException("AuthFailure.SignatureFailure", "The credential scope " + m.group(2) + "/" + service
                    + " does not match the request.");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : m.group(4).split(";")) {
            String value = ex.getRequestHeaders().getFirst(name);
            // Names and values lower case, as the signature document says (the SDK sends them so already).
            canonicalHeaders.append(name).append(':')
                    .append(value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT)).append('\n');
        }
        String query = ex.getRequestURI().getRawQuery();
        String canonical = Tc3Signature.canonicalRequest(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                query == null ? "" : query, canonicalHeaders.toString(), m.group(4), body);
        String expected = Tc3Signature.signature(secret, m.group(2), service,
                Tc3Signature.stringToSign(timestamp, m.group(2) + "/" + service + "/tc3_request", canonical));
        if (!expected.equals(m.group(5))) {
            throw new ApiException("AuthFailure.SignatureFailure", "The signature does not match: check the SecretKey.");
        }
        caller.set(id);
    }

    private void throttle(String action) {
        Integer limit = config.actionLimits().get(action);
        if (limit == null && config.throttlePerSecond() > 0) {
            limit = config.throttlePerSecond();
        }
        if (limit == null) {
            return;
        }
        long second = System.currentTimeMillis() / 1000;
        long[] w = windows.computeIfAbsent(action, a -> new long[] {second, 0});
        synchronized (w) {
            if (w[0] != second) {
                w[0] = second;
                w[1] = 0;
            }
            if (w[1] >= limit) {
                throw new ApiException("RequestLimitExceeded", "Your request rate for " + action + " exceeds the limit of "
                        + limit + " per second.");
            }
            w[1]++;
        }
    }

    @Override
    public void close() {
        if (server != null) {
            front.close();
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
        runner.close();
        machines.close();
    }

    /** The body of a COS path in a bucket, as text (tests). */
    public String readObject(String bucket, String key) throws IOException {
        return java.nio.file.Files.readString(cos.file(bucket, key), StandardCharsets.UTF_8);
    }
}
