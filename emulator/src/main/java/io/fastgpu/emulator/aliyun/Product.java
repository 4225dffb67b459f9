package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One OpenAPI product the emulator serves (ECS, VPC, NAS): its code as error bodies name it, the
 * API version requests carry ({@code x-acs-version} or {@code Version}), and its actions. Each
 * handler returns the response body without {@code RequestId}, which {@link AliyunEmulator} adds.
 */
final class Product {
    final String code;
    final String version;
    private final Function<ApiRequest, String> hostId;
    private final Map<String, Function<ApiRequest, ObjectNode>> actions = new LinkedHashMap<>();

    Product(String code, String version, Function<ApiRequest, String> hostId) {
        this.code = code;
        this.version = version;
        this.hostId = hostId;
    }

    void add(String action, Function<ApiRequest, ObjectNode> handler) {
        actions.put(action, handler);
    }

    boolean supports(String action) {
        return actions.containsKey(action);
    }

    ObjectNode handle(String action, ApiRequest req) {
        Function<ApiRequest, ObjectNode> handler = actions.get(action);
        if (handler == null) {
            throw ApiError.invalidAction(action);
        }
        return handler.apply(req);
    }

    /** The host part of error bodies, as the cloud names the endpoint that answered. */
    String hostId(ApiRequest req) {
        return hostId.apply(req);
    }
}
