package io.fastgpu.provider.aliyun.wire;

import java.time.Duration;

/**
 * Where the API of a region is reached.
 *
 * @param region         the region every call is made in
 * @param override       one endpoint for ECS, VPC and NAS ({@code http://127.0.0.1:PORT} for the emulator, or a
 *                       private endpoint); empty for the public endpoints of the region
 * @param throttleBudget how long throttled calls are retried before giving up
 */
public record Endpoint(String region, String override, Duration throttleBudget) {
    public Endpoint {
        override = override == null ? "" : override.strip();
    }

    /** Whether requests go over plain HTTP (the emulator on loopback). */
    public boolean plainHttp() { return override.startsWith("http://"); }

    /** The host[:port] for a product ({@code ecs}, {@code vpc}, {@code nas}). */
    public String hostOf(String product) {
        if (!override.isEmpty()) return override.replaceFirst("^https?://", "").replaceFirst("/+$", "");
        return product + "." + region + ".aliyuncs.com";
    }
}
