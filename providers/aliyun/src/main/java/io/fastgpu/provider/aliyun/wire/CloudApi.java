package io.fastgpu.provider.aliyun.wire;

import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import io.fastgpu.api.FastGpuException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The official SDK clients of one region, and the one place their calls go through: throttled calls are
 * retried with jittered backoff for a bounded time, and every SDK failure becomes a {@link CloudError}
 * (an answer of the API) or a one-line {@link FastGpuException} (no answer). Counts calls, for benchmarks.
 * The SDK's types stay in this package: the classes beside this one ({@link InstanceCalls}, {@link VpcCalls}, ...)
 * build its requests and turn its answers into records of their own.
 */
public final class CloudApi {
    /** One API call; may throw whatever the SDK throws. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    private final Endpoint endpoint;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final AtomicLong calls = new AtomicLong();
    private com.aliyun.ecs20140526.Client ecs;
    private com.aliyun.vpc20160428.Client vpc;
    private com.aliyun.nas20170626.Client nas;

    public CloudApi(Endpoint endpoint, String accessKeyId, String accessKeySecret) {
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
    }

    /** API calls made so far, retries included (for benchmarks). */
    public long callCount() { return calls.get(); }

    public String region() { return endpoint.region(); }

    private Config config(String product) {
        Config c = new Config()
                .setAccessKeyId(accessKeyId)
                .setAccessKeySecret(accessKeySecret)
                .setRegionId(endpoint.region())
                .setEndpoint(endpoint.hostOf(product))
                .setConnectTimeout(10_000)
                .setReadTimeout(60_000);
        if (endpoint.plainHttp()) c.setProtocol("http");
        return c;
    }

    synchronized com.aliyun.ecs20140526.Client ecs() {
        if (ecs == null) ecs = make(() -> new com.aliyun.ecs20140526.Client(config("ecs")));
        return ecs;
    }

    synchronized com.aliyun.vpc20160428.Client vpc() {
        if (vpc == null) vpc = make(() -> new com.aliyun.vpc20160428.Client(config("vpc")));
        return vpc;
    }

    synchronized com.aliyun.nas20170626.Client nas() {
        if (nas == null) nas = make(() -> new com.aliyun.nas20170626.Client(config("nas")));
        return nas;
    }

    private static <T> T make(Call<T> maker) {
        try {
            return maker.run();
        } catch (Exception e) {
            throw new FastGpuException("cannot set up the Alibaba Cloud SDK client: " + e.getClass().getSimpleName());
        }
    }

    /** Runs one API call, retrying throttling until the budget is spent. */
    <T> T call(String action, Call<T> call) {
        long deadline = System.nanoTime() + endpoint.throttleBudget().toNanos();
        long backoffMs = 200;
        int attempts = 0;
        while (true) {
            attempts++;
            calls.incrementAndGet();
            try {
                return call.run();
            } catch (TeaException e) {
                CloudError error = translate(action, e);
                if (!error.throttled()) throw Errors.general(error, endpoint.region());
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new FastGpuException(action + " was throttled by Alibaba Cloud " + attempts + " times over "
                            + endpoint.throttleBudget().toSeconds() + " s; giving up (nothing more was changed)."
                            + " Try again later, or ask for a higher API rate limit", error);
                }
                sleep(Math.min(left, backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1)));
                backoffMs = Math.min(backoffMs * 2, 5_000);
            } catch (FastGpuException e) {
                throw e;
            } catch (Exception e) {
                throw new FastGpuException(action + ": cannot reach Alibaba Cloud at " + endpoint.hostOf("ecs") + ": "
                        + rootMessage(e) + " (check the network, the region '" + endpoint.region() + "' and FASTGPU_ALIYUN_ENDPOINT)");
            }
        }
    }

    private CloudError translate(String action, TeaException e) {
        String code = e.getCode() == null ? "Unknown" : e.getCode();
        String message = e.getMessage() == null ? "" : e.getMessage();
        Object data = e.getData() == null ? null : e.getData().get("Message");
        if (data instanceof String s && !s.isBlank()) message = s;
        // The SDK prefixes "code: 400, " and appends "request id: ..."; keep the API's own words.
        message = message.replaceFirst("^code: \\d+, ", "").replaceFirst("\\s*request id: \\S+$", "").strip();
        String requestId = "";
        if (e.getData() != null && e.getData().get("RequestId") instanceof String r) requestId = r;
        return new CloudError(action, code, redact(message), requestId);
    }

    /** The secret must never appear, even if an answer were to echo it. */
    private String redact(String s) {
        return s.replace(accessKeySecret, "***");
    }

    private String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return redact(m);
    }

    /** Sleeps, turning an interrupt into a one-line failure. */
    public static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted");
        }
    }

    /** How long to wait before poll number {@code round}: 250 ms doubling up to 5 s. */
    public static Duration backoff(int round) {
        return Duration.ofMillis(Math.min(5_000, 250L << Math.min(round, 5)));
    }
}
