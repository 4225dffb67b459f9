package io.fastgpu.emulator.aliyun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The emulated internet's "what is my IP" service (like api.ipify.org): a GET answers the caller's
 * public address as plain text, for {@code FASTGPU_PUBLIC_IP_URL}. Served beside the API at
 * {@link AliyunEmulator#PUBLIC_IP_PATH}; unsigned, as such services are.
 */
final class PublicAddressLookup implements HttpHandler {
    private final Cloud cloud;

    PublicAddressLookup(Cloud cloud) {
        this.cloud = cloud;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean get = exchange.getRequestMethod().equals("GET");
            byte[] body = (get ? cloud.callerIp() : "use GET").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=us-ascii");
            if (!get) {
                exchange.getResponseHeaders().set("Allow", "GET");
            }
            exchange.sendResponseHeaders(get ? 200 : 405, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
