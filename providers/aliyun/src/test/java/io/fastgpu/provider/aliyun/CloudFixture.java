package io.fastgpu.provider.aliyun;

import io.fastgpu.api.EventListener;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.provider.aliyun.wire.CloudApi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An emulated Alibaba Cloud for tests: the OpenAPI emulator on a free loopback port with real SSH machines
 * behind its running instances, and the environment that points the aliyun provider at it.
 */
final class CloudFixture implements AutoCloseable {
    static final String KEY_ID = "LTAI-test-key";
    static final String SECRET = "emulated-secret-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    final EmulatedCloud cloud;
    final Path root;

    CloudFixture(Path root) { this(root, EmulatorConfig.builder().bootLatency(Duration.ofMillis(300))); }

    CloudFixture(Path root, EmulatorConfig.Builder config) {
        this.root = root;
        try {
            Files.createDirectories(root);
            cloud = EmulatedCloud.start(config.accessKey(KEY_ID, SECRET).loopbackAddresses(true).build(), 0,
                    root.resolve("machines"), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the provider reads: endpoint, SSH port, region, credentials, and a throttling budget fit for tests. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(cloud.environment(KEY_ID, SECRET));
        env.put("FASTGPU_ALIYUN_THROTTLE_SECONDS", "10");
        env.put("USER", "tester");
        return env;
    }

    AliyunProvider provider(Path home) { return provider(home, env()); }

    AliyunProvider provider(Path home, Map<String, String> env) {
        return new AliyunProvider(home, EventListener.NONE, env, root.resolve("user"));
    }

    /** The API of the emulated region, for checking what the provider did. */
    CloudApi api() {
        return new CloudApi(AliyunSettings.from(env(), root.resolve("home"), "").apiEndpoint(), KEY_ID, SECRET);
    }

    /** How many times the provider (or anyone) called {@code action} so far. */
    long calls(String action) {
        var c = cloud.api().callCounts().get(action);
        return c == null ? 0 : c.calls();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() { cloud.close(); }
}
