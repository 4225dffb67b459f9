package io.fastgpu.emulator.aliyun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instance metadata service (on the cloud, {@code http://100.100.100.200}) as each emulated machine reaches it:
 * {@code <base>/<instanceId>/latest/meta-data/...}, the instance told by the path rather than by the caller's
 * address. It answers {@code instance-id}, and {@code instance/spot/termination-time} once the cloud announced it
 * will take the spot instance back (404 before, as on Alibaba Cloud), in the cloud's format
 * ({@code 2026-11-29T23:59:00Z}).
 */
final class InstanceMetadata implements HttpHandler {
    /** Where the service is served beside the API; a machine's own base is this plus its instance id. */
    static final String PATH = "/metadata/";
    private static final String TERMINATION = "latest/meta-data/instance/spot/termination-time";
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Instance id → when the cloud takes it back, for the instances it announced that of. */
    private final Map<String, Instant> notices = new ConcurrentHashMap<>();

    void announce(String instanceId, Instant at) {
        notices.put(instanceId, at);
    }

    void forget(String instanceId) {
        notices.remove(instanceId);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rest = exchange.getRequestURI().getPath().substring(PATH.length());
            int slash = rest.indexOf('/');
            String id = slash < 0 ? rest : rest.substring(0, slash);
            String what = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
            String body = null;
            if (what.equals("latest/meta-data/instance-id")) {
                body = id;
            } else if (what.equals(TERMINATION)) {
                Instant at = notices.get(id);
                body = at == null ? null : FORMAT.format(at);
            }
            byte[] bytes = (body == null ? "Not Found" : body).getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=us-ascii");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
