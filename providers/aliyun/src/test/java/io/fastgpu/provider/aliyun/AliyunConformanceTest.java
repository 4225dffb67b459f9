package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The conformance suite every backend passes, against the emulated cloud through the official SDKs and real SSH. */
class AliyunConformanceTest extends ProviderConformanceSuite {
    private static final String ZONE = "cn-hangzhou-h";
    private static final String SCARCE_TYPE = "ecs.c7.xlarge";

    @TempDir static Path cloudDir;
    static CloudFixture fixture;

    @BeforeAll
    static void startCloud() { fixture = new CloudFixture(cloudDir); }

    @AfterAll
    static void stopCloud() { if (fixture != null) fixture.close(); }

    @Override
    protected Provider createProvider(Path scratch) { return fixture.provider(cloudDir.resolve("home")); /* one home: the key pair is made once */ }

    /** A machine of a type whose stock in its zone runs out between validate and create. */
    @Override
    protected Failing failingRequest(String name) {
        return new Failing(request(name, "conformance", new Resources(SCARCE_TYPE, "", false, 40), ZONE),
                () -> fixture.cloud.api().setCapacity(ZONE, SCARCE_TYPE, 0));
    }

    @AfterEach
    void restock() { fixture.cloud.api().setCapacity(ZONE, SCARCE_TYPE, 50); }

    /** Taken back by the cloud (as a spot instance is). */
    @Override
    protected void destroyOutside(Instance instance) { fixture.cloud.api().interruptSpotInstance(instance.id()); }

    /** The calls that buy or change something (anything but Describe*), by action. */
    @Override
    protected Object traces() {
        Map<String, Long> changes = new TreeMap<>();
        fixture.cloud.api().callCounts().forEach((action, c) -> {
            if (!action.startsWith("Describe")) changes.put(action, c.calls());
        });
        return changes;
    }
}
