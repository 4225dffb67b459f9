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
import java.util.function.Function;

/**
 * The instance metadata service (on the cloud, {@code http://100.100.100.200}) as each emulated machine reaches it:
 * {@code <base>/<instanceId>/latest/meta-data/...}, the instance told by the path rather than by the caller's
 * address. It answers {@code instance-id}, and {@code instance/spot/termination-time} once the cloud announced it
 * will take the spot instance back (404 before, as on Alibaba Cloud), in the cloud's format
 * ({@code 2026-11-29T23:59:00Z}). For an instance launched with a RAM role, {@code ram/security-credentials/} lists the
 * role and {@code ram/security-credentials/<role>} hands out the role's temporary credentials as the cloud's service
 * does (JSON: AccessKeyId, AccessKeySecret, SecurityToken, Expiration, LastUpdated, Code {@code Success}); 404 for an
 * instance without that role.
 */
final class InstanceMetadata implements HttpHandler {
    /** Where the service is served beside the API; a machine's own base is this plus its instance id. */
    static final String PATH = "/metadata/";
    private static final String TERMINATION = "latest/meta-data/instance/spot/termination-time";
    private static final String ROLES = "latest/meta-data/ram/security-credentials";
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Instance id → when the cloud takes it back, for the instances it announced that of. */
    private final Map<String, Instant> notices = new ConcurrentHashMap<>();
    private final RoleCredentials roleCredentials;
    /** Instance id → the RAM role it was launched with (null: none, or no such instance). */
    private final Function<String, String> roleOf;

    InstanceMetadata(RoleCredentials roleCredentials, Function<String, String> roleOf) {
        this.roleCredentials = roleCredentials;
        this.roleOf = roleOf;
    }

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
            String type = "text/plain; charset=us-ascii";
            if (what.equals(ROLES) || what.startsWith(ROLES + "/")) {
                String role = roleOf.apply(id);
                String asked = what.equals(ROLES) ? "" : what.substring(ROLES.length() + 1);
                if (role != null && asked.isEmpty()) {
                    body = role;
                } else if (role != null && asked.equals(role)) {
                    body = credentials(roleCredentials.forInstance(id, role));
                    type = "application/json";
                }
            } else if (what.equals("latest/meta-data/instance-id")) {
                body = id;
            } else if (what.equals(TERMINATION)) {
                Instant at = notices.get(id);
                body = at == null ? null : FORMAT.format(at);
            }
            byte[] bytes = (body == null ? "Not Found" : body).getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", body == null ? "text/plain; charset=us-ascii" : type);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String credentials(RoleCredentials.Credential c) {
        return Params.JSON.createObjectNode()
                .put("AccessKeyId", c.accessKeyId())
                .put("AccessKeySecret", c.accessKeySecret())
                .put("Expiration", FORMAT.format(c.expiration()))
                .put("SecurityToken", c.securityToken())
                .put("LastUpdated", FORMAT.format(c.issued()))
                .put("Code", "Success")
                .toPrettyString();
    }
}
