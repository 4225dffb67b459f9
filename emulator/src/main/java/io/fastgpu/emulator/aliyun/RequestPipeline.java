package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The way of one API call through the emulator: parse the HTTP request, check its signature, find
 * the product (by API version) and the action, check what an instance role's credential may do
 * ({@link RolePolicy}), count it, apply flow control, run the action under
 * the state lock, and answer in the gateway's JSON shape (errors included). Listeners hear of a
 * call that changed the account after its answer was sent.
 */
final class RequestPipeline {
    private static final System.Logger LOG = System.getLogger(RequestPipeline.class.getName());

    private final Map<String, Product> products;
    private final Cloud cloud;
    private final Object stateLock;
    private final Runnable onChange;
    private final Clock clock;
    private final RoleCredentials roleCredentials;
    private final RequestAuthenticator authenticator;
    private final Throttler throttler;
    /** By action: {calls, throttled}. */
    private final Map<String, AtomicLongArray> counts = new ConcurrentHashMap<>();

    /**
     * @param stateLock held while an action runs: the emulator favours simple correctness over throughput
     * @param onChange called (on the request thread, after the answer) when a call changed the account
     */
    RequestPipeline(EmulatorConfig config, Map<String, Product> products, Cloud cloud, Object stateLock,
            Runnable onChange) {
        this.products = products;
        this.cloud = cloud;
        this.stateLock = stateLock;
        this.onChange = onChange;
        this.clock = config.clock();
        this.roleCredentials = new RoleCredentials(config.clock(), config.roleCredentialLifetime());
        this.authenticator = new RequestAuthenticator(config.accessKeys(), roleCredentials, config.clock());
        this.throttler = new Throttler(config.throttlePerSecond());
    }

    /** The instance roles' temporary credentials, which the metadata service hands out. */
    RoleCredentials roleCredentials() {
        return roleCredentials;
    }

    Throttler throttler() {
        return throttler;
    }

    /** The calls answered so far, by action (signed requests naming an action; throttled ones included). */
    Map<String, AliyunEmulator.CallCount> counts() {
        Map<String, AliyunEmulator.CallCount> result = new TreeMap<>();
        counts.forEach((action, c) -> result.put(action, new AliyunEmulator.CallCount(c.get(0), c.get(1))));
        return result;
    }

    void serve(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String action = null;
        int status;
        ObjectNode body;
        String hostId = "ecs.aliyuncs.com";
        String productCode = "Ecs";
        boolean changed = false;
        try (exchange) {
            try {
                ApiRequest req = parse(exchange);
                action = req.action();
                Product product = products.get(req.version());
                if (product != null) {
                    hostId = product.hostId(req);
                    productCode = product.code;
                }
                RequestAuthenticator.Caller caller = authenticator.authenticate(req);
                if (action == null) {
                    throw ApiError.missingParameter("Action");
                }
                if (product == null || !product.supports(action)) {
                    throw ApiError.invalidAction(action);
                }
                RolePolicy.check(caller, action, req);
                admit(action);
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
                body = ResponseRenderer.errorBody(e.code(), e.getMessage(), requestId, hostId, productCode);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "emulator failure in " + action, e);
                status = 500;
                body = ResponseRenderer.errorBody("InternalError",
                        "The request processing has failed due to some unknown error, exception or failure.",
                        requestId, hostId, productCode);
            }
            int sent = ResponseRenderer.send(exchange, status, requestId, body);
            String answered = action;
            LOG.log(System.Logger.Level.DEBUG, () -> exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath() + " action=" + answered + " -> " + sent + " bytes");
        }
        if (changed) {
            onChange.run();
        }
    }

    private static ApiRequest parse(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
        return ApiRequest.of(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers, bytes);
    }

    /** Counts the call, then lets flow control pass or throttle it. */
    private void admit(String action) {
        AtomicLongArray count = counts.computeIfAbsent(action, a -> new AtomicLongArray(2));
        count.incrementAndGet(0);
        try {
            throttler.admit(action, clock.millis());
        } catch (ApiError e) {
            count.incrementAndGet(1);
            throw e;
        }
    }
}
