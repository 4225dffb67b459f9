package io.fastgpu.provider.aliyun.wire;

import io.fastgpu.api.FastGpuException;

/**
 * An error answered by the cloud API: its code, its message and the request id to quote to support.
 * Made only from the response, so it never carries the request (or its signature) along.
 */
public final class CloudError extends FastGpuException {
    private final String code;
    private final String requestId;

    CloudError(String action, String code, String message, String requestId) {
        super(action + " failed: " + code + ": " + message + (requestId.isEmpty() ? "" : " (request id " + requestId + ")"));
        this.code = code;
        this.requestId = requestId;
    }

    public String code() { return code; }

    public String requestId() { return requestId; }

    /** Whether the code is {@code prefix} or one of its sub-codes ({@code prefix.Something}). */
    public boolean is(String prefix) { return code.equals(prefix) || code.startsWith(prefix + "."); }

    public boolean throttled() { return code.startsWith("Throttling") || code.equals("ServiceUnavailable"); }
}
