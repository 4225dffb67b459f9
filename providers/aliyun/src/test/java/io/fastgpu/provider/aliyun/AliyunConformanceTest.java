package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.emulator.aliyun.InstanceView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite every backend passes, against the emulated cloud through the official SDKs and real SSH;
 * plus what only a cloud with stock and ordered creation can show: the order machines are made in, and a partial
 * creation rolled back.
 */
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
                () -> fixture.cloud.api().testHooks().setCapacity(ZONE, SCARCE_TYPE, 0));
    }

    @AfterEach
    void restock() { fixture.cloud.api().testHooks().setCapacity(ZONE, SCARCE_TYPE, 50); }

    /** Taken back by the cloud (as a spot instance is). */
    @Override
    protected void destroyOutside(Instance instance) { fixture.cloud.api().testHooks().interruptSpotInstance(instance.id()); }

    /** The calls that buy or change something (anything but Describe*), by action. */
    @Override
    protected Object traces() {
        Map<String, Long> changes = new TreeMap<>();
        fixture.cloud.api().callCounts().forEach((action, c) -> {
            if (!action.startsWith("Describe")) changes.put(action, c.calls());
        });
        return changes;
    }

    private static List<CreateRequest> requests(int n) {
        List<CreateRequest> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(new CreateRequest("task" + i + ".conformance", Resources.DEFAULT, "",
                    Map.of(Tags.JOB, "conformance", Tags.TASK, String.valueOf(i)), Map.of()));
        }
        return r;
    }

    @Test
    void machinesAreMadeInThePlansOrderTask0First() {
        List<Instance> made = provider.create(provider.validate(requests(6))).orThrow();

        assertThat(made).extracting(Instance::name).containsExactly("task0.conformance", "task1.conformance", "task2.conformance",
                "task3.conformance", "task4.conformance", "task5.conformance");
        assertThat(fixture.cloud.api().instances()).extracting(InstanceView::instanceName).first().isEqualTo("task0.conformance");
    }

    @Test
    void aPartialCreationIsRolledBackAndTheOutcomeSaysWhatFailedAndWhatWasReleased() {
        // The default type sells in one zone only: with stock for 2 of 4, two cannot be made.
        var cloud = fixture.cloud.api();
        var plan = provider.validate(requests(4));
        cloud.testHooks().setCapacity("cn-hangzhou-h", "ecs.gn6v-c8g1.2xlarge", 2);
        try {
            CreateOutcome outcome = provider.create(plan);

            assertThat(outcome.ok()).isFalse();
            assertThat(outcome.failed()).hasSize(2).allSatisfy(f -> assertThat(f.cause()).hasMessageContaining("no stock of ecs.gn6v-c8g1.2xlarge"));
            assertThat(outcome.releasedAgain()).hasSize(2).contains("task0.conformance");
            assertThat(outcome.made()).isEmpty();
            assertThat(cloud.instances()).isEmpty();
        } finally {
            cloud.testHooks().setCapacity("cn-hangzhou-h", "ecs.gn6v-c8g1.2xlarge", 8);
        }
    }
}
