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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An offline stand-in for the Alibaba Cloud ECS OpenAPI: an HTTP server on loopback that the
 * official SDK can be pointed at ({@code Config.setEndpoint("127.0.0.1:" + port())},
 * {@code setProtocol("http")}). It checks signatures against its configured key pairs, answers
 * in the API's JSON shapes with a {@code RequestId}, and errors as the cloud does.
 *
 * <p>Use: {@code try (var emu = new AliyunEmulator(config).start()) { ... }}.
 */
public final class AliyunEmulator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AliyunEmulator.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmulatorConfig config;
  private final int requestedPort;
  private final RequestAuthenticator authenticator;
  private final Throttler throttler;
  private final EcsActions ecs;
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
    this.ecs = new EcsActions(config, EmulatorState.load(config.stateFile()));
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

  /** Sets how many instances of a type a zone can hold (0 sells it out). */
  public void setCapacity(String zoneId, String instanceType, int capacity) {
    synchronized (stateLock) {
      ecs.setCapacity(zoneId, instanceType, capacity);
    }
  }

  /** Test hook: the cloud reclaims a spot instance (stopped, locked with reason {@code Recycling}). */
  public void interruptSpotInstance(String instanceId) {
    synchronized (stateLock) {
      ecs.interruptSpotInstance(instanceId);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    String action = null;
    int status;
    ObjectNode body;
    String hostId = "ecs.aliyuncs.com";
    try (exchange) {
      try {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
        ApiRequest req = ApiRequest.of(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
            exchange.getRequestURI().getRawQuery(), headers, bytes);
        action = req.action();
        hostId = ecs.hostId(req);
        authenticator.authenticate(req);
        if (action == null) {
          throw ApiError.missingParameter("Action");
        }
        if (!EcsActions.VERSION.equals(req.version()) || !ecs.supports(action)) {
          throw ApiError.invalidAction(action);
        }
        throttler.admit(action, config.clock().millis());
        synchronized (stateLock) {
          body = ecs.handle(action, req);
        }
        status = 200;
      } catch (ApiError e) {
        status = e.httpStatus();
        body = errorBody(e.code(), e.getMessage(), requestId, hostId);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "emulator failure in " + action, e);
        status = 500;
        body = errorBody("InternalError",
            "The request processing has failed due to some unknown error, exception or failure.", requestId, hostId);
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
  }

  private static ObjectNode errorBody(String code, String message, String requestId, String hostId) {
    return JSON.createObjectNode()
        .put("HostId", hostId)
        .put("Code", code)
        .put("Message", message)
        .put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + code + "&product=Ecs&requestId=" + requestId);
  }

  /**
   * Runs the emulator standalone until killed:
   * {@code --access-key-id ID --access-key-secret SECRET [--port N] [--state FILE] [--boot-latency-ms N]}.
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
      if (!List.of("port", "state", "access-key-id", "access-key-secret", "boot-latency-ms").contains(key)) {
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
        + " [--port N] [--state FILE] [--boot-latency-ms N]");
    System.exit(2);
  }
}
