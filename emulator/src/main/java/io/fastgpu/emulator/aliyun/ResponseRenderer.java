package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes API answers the way the OpenAPI gateway does: a JSON body that starts with
 * {@code RequestId}, the same id in the {@code x-acs-request-id} header, and for errors the
 * {@code HostId}, {@code Code}, {@code Message} and {@code Recommend} fields.
 */
final class ResponseRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseRenderer() {}

    /** The body of an error answer, without its RequestId. */
    static ObjectNode errorBody(String code, String message, String requestId, String hostId, String product) {
        return JSON.createObjectNode()
                .put("HostId", hostId)
                .put("Code", code)
                .put("Message", message)
                .put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + code + "&product=" + product
                        + "&requestId=" + requestId);
    }

    /** Sends {@code body} with {@code RequestId} first, as the cloud writes it; returns the bytes sent. */
    static int send(HttpExchange exchange, int status, String requestId, ObjectNode body) throws IOException {
        ObjectNode out = JSON.createObjectNode().put("RequestId", requestId);
        out.setAll(body);
        byte[] payload = JSON.writeValueAsBytes(out);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.getResponseHeaders().set("x-acs-request-id", requestId);
        exchange.sendResponseHeaders(status, payload.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(payload);
        }
        return payload.length;
    }
}
