package io.fastgpu.emulator.tione;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an emulated TI-ONE + COS account is set up.
 *
 * @param secretId the key id it accepts (TI-ONE and COS alike)
 * @param secretKey its secret
 * @param appId the account's APPID, the suffix of its buckets' names ({@code demo-1250000000})
 * @param buckets the account's buckets, made at start if missing
 * @param foreignBuckets buckets that exist but belong to another account (AccessDenied)
 * @param root where everything lives: the state file, COS objects, node folders, logs
 * @param latency how long each task state lasts (SUBMITTING, PENDING, STARTING, STOPPING)
 * @param nodeQuota most nodes running at once in the account (LimitExceeded beyond)
 * @param throttlePerSecond calls per second per action before RequestLimitExceeded (0: none)
 */
public record TioneConfig(String secretId, String secretKey, String appId, List<String> buckets,
        List<String> foreignBuckets, Path root, Duration latency, int nodeQuota, int throttlePerSecond,
        Map<String, Integer> actionLimits) {
    public TioneConfig {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(root, "root");
        buckets = List.copyOf(buckets);
        foreignBuckets = List.copyOf(foreignBuckets);
        latency = latency == null ? Duration.ofMillis(300) : latency;
        actionLimits = actionLimits == null ? Map.of() : Map.copyOf(actionLimits);
        appId = appId == null ? "1250000000" : appId;
    }

    /** An account with one bucket {@code fastgpu-<appId>} and sensible latencies, living under {@code root}. */
    public static TioneConfig of(String secretId, String secretKey, Path root) {
        return new TioneConfig(secretId, secretKey, "1250000000", List.of("fastgpu-1250000000"),
                List.of("someone-else-1250999999"), root, Duration.ofMillis(300), 8, 0, Map.of());
    }

    public TioneConfig withLatency(Duration d) {
        return new TioneConfig(secretId, secretKey, appId, buckets, foreignBuckets, root, d, nodeQuota, throttlePerSecond,
                actionLimits);
    }

    public TioneConfig withNodeQuota(int n) {
        return new TioneConfig(secretId, secretKey, appId, buckets, foreignBuckets, root, latency, n, throttlePerSecond,
                actionLimits);
    }

    /** Calls per second allowed for one action (RequestLimitExceeded beyond). */
    public TioneConfig withActionLimit(String action, int perSecond) {
        Map<String, Integer> m = new java.util.HashMap<>(actionLimits);
        m.put(action, perSecond);
        return new TioneConfig(secretId, secretKey, appId, buckets, foreignBuckets, root, latency, nodeQuota,
                throttlePerSecond, m);
    }

    public TioneConfig withBuckets(List<String> own) {
        return new TioneConfig(secretId, secretKey, appId, own, foreignBuckets, root, latency, nodeQuota, throttlePerSecond,
                actionLimits);
    }
}
