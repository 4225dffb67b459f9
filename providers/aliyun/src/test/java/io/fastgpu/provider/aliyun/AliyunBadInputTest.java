package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input and cloud errors, against the emulated cloud: each is one line, names what to do, and leaves nothing
 * half-made (no instance the user did not ask for), and the secret never shows.
 */
class AliyunBadInputTest {
    @TempDir static Path dir;
    static CloudFixture fixture;
    @TempDir Path home;

    @BeforeAll
    static void start() { fixture = new CloudFixture(dir.resolve("cloud"), EmulatorConfig.builder().instanceQuota(3)); }

    @AfterAll
    static void stop() { fixture.close(); }

    @AfterEach
    void releaseEverything() {
        var p = provider();
        p.listAllOwners().forEach(i -> p.destroy(i.id()));
        fixture.cloud.api().testHooks().throttleAlways("DescribeZones", false);
    }

    private static CreateRequest request(String name, Resources r, String zone) {
        return new CreateRequest(name, r, zone, Map.of("fastgpu:job", "bad"), Map.of());
    }

    private static final Resources CPU = new Resources("ecs.g7.xlarge", "", false, 40);

    /** Each test has a home of its own, so a key pair of its own. */
    private String keyPair() { return "fastgpu-bad-" + Integer.toHexString(home.hashCode()); }

    private AliyunProvider provider() { return fixture.provider(home, env("USER", "tester")); }

    private Map<String, String> env(String key, String value) {
        Map<String, String> env = new HashMap<>(fixture.env());
        env.put("FASTGPU_ALIYUN_KEYPAIR", keyPair());
        env.put(key, value);
        return env;
    }

    private static void oneLine(Throwable e) {
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(CloudFixture.SECRET);
    }

    @Test
    void aWrongSecretOrUnknownKeyIsRefusedWithTheWayOut() {
        for (var env : List.of(env("ALIYUN_ACCESS_KEY_SECRET", "wrong"), env("ALIYUN_ACCESS_KEY_ID", "LTAI-nobody"))) {
            var p = fixture.provider(home, env);
            assertThatThrownBy(() -> p.validate(List.of(request("task0.bad", CPU, ""))))
                    .isInstanceOf(FastGpuException.class)
                    .hasMessageContaining("Alibaba Cloud refused the access key")
                    .hasMessageContaining("ALIYUN_ACCESS_KEY_SECRET")
                    .satisfies(AliyunBadInputTest::oneLine);
        }
    }

    @Test
    void unknownRegionZoneInstanceTypeAndImage() {
        assertThatThrownBy(() -> fixture.provider(home, env("ALIYUN_DEFAULT_REGION", "cn-nowhere"))
                .validate(List.of(request("task0.bad", CPU, ""))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown region 'cn-nowhere'")
                .satisfies(AliyunBadInputTest::oneLine);
        var p = provider();
        assertThatThrownBy(() -> p.validate(List.of(request("task0.bad", CPU, "cn-hangzhou-x"))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown zone 'cn-hangzhou-x'")
                .hasMessageContaining("cn-hangzhou-h").satisfies(AliyunBadInputTest::oneLine);
        assertThatThrownBy(() -> p.validate(List.of(request("task0.bad", new Resources("ecs.gn6v-c8g1.2xlarg", "", false, 40), ""))))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("instance type 'ecs.gn6v-c8g1.2xlarg' is not offered")
                .hasMessageContaining("did you mean 'ecs.gn6v-c8g1.2xlarge'?").satisfies(AliyunBadInputTest::oneLine);
        assertThatThrownBy(() -> p.validate(List.of(request("task0.bad", new Resources("ecs.g7.xlarge", "ubuntu_99_04", false, 40), ""))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("image 'ubuntu_99_04' not found in cn-hangzhou")
                .hasMessageContaining("fastgpu queryimage").satisfies(AliyunBadInputTest::oneLine);
        assertThatThrownBy(() -> p.validate(List.of(request("bad name!", CPU, ""))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not allowed as an Alibaba Cloud instance name");
        assertThat(fixture.cloud.api().instances()).isEmpty();
    }

    @Test
    void anImageCanBeGivenByTheStartOfItsName() {
        var p = provider();
        p.validate(List.of(request("task0.bad", new Resources("ecs.g7.xlarge", "ubuntu_22", false, 40), "")));
    }

    @Test
    void quotaExceededReleasesWhatThisLaunchMadeAndSaysSo() {
        var p = provider();
        List<CreateRequest> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) four.add(request("task" + i + ".bad", CPU, ""));
        var outcome = p.create(p.validate(four));

        // task0 is bought first, then the others at once: one of the other three hits the quota of 3.
        assertThat(outcome.failed()).hasSize(1);
        assertThat(outcome.failed().get(0).name()).isNotEqualTo("task0.bad");
        assertThat(outcome.failed().get(0).cause()).hasMessageContaining("quota exceeded").satisfies(AliyunBadInputTest::oneLine);
        assertThat(outcome.releasedAgain()).hasSize(3).contains("task0.bad");
        assertThat(outcome.made()).isEmpty();
        assertThatThrownBy(outcome::orThrow).isInstanceOf(FastGpuException.class)
                .hasMessageContaining(" could not be created: " + outcome.failed().get(0).name() + ": quota exceeded")
                .hasMessageContaining("Released again the ones this launch made, so nothing is left running: ")
                .satisfies(AliyunBadInputTest::oneLine);
        assertThat(fixture.cloud.api().instances()).isEmpty();
    }

    @Test
    void noStockInOneZoneMovesOnAndNoStockAnywhereFails() {
        var api = fixture.cloud.api();
        List<String> notices = new ArrayList<>();
        var p = new AliyunProvider(home, e -> { if (e instanceof Event.Notice n) notices.add(n.message()); }, env("USER", "tester"),
                fixture.root.resolve("user"));
        try {
            var plan = p.validate(List.of(request("task0.bad", CPU, ""))); // both zones have stock now
            api.testHooks().setCapacity("cn-hangzhou-h", "ecs.g7.xlarge", 0); // and the first sells out before RunInstances
            var made = p.create(plan).orThrow();
            assertThat(made.get(0).tags()).containsEntry("aliyun:zone", "cn-hangzhou-i");
            assertThat(notices).anyMatch(n -> n.contains("no stock of ecs.g7.xlarge in zone cn-hangzhou-h; trying zone cn-hangzhou-i"));
            p.destroy(made.get(0).id());

            api.testHooks().setCapacity("cn-hangzhou-i", "ecs.g7.xlarge", 0);
            var fresh = provider();
            assertThatThrownBy(() -> fresh.validate(List.of(request("task0.bad", CPU, ""))))
                    .hasMessageContaining("no stock of ecs.g7.xlarge").satisfies(AliyunBadInputTest::oneLine);
            assertThat(api.instances()).isEmpty();
        } finally {
            api.testHooks().setCapacity("cn-hangzhou-h", "ecs.g7.xlarge", 50);
            api.testHooks().setCapacity("cn-hangzhou-i", "ecs.g7.xlarge", 50);
        }
    }

    @Test
    void throttlingThatNeverEndsGivesUpInBoundedTime() {
        fixture.cloud.api().testHooks().throttleAlways("DescribeZones", true);
        var p = fixture.provider(home, env("FASTGPU_ALIYUN_THROTTLE_SECONDS", "2"));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> p.validate(List.of(request("task0.bad", CPU, ""))))
                .hasMessageContaining("DescribeZones was throttled by Alibaba Cloud")
                .hasMessageContaining("giving up").satisfies(AliyunBadInputTest::oneLine);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        assertThat(p.apiCalls()).isGreaterThan(2);
    }

    @Test
    void aKeyPairWhosePrivateKeyIsLostIsExplained() throws IOException {
        var p = provider();
        var made = p.create(CreatePlan.of(List.of(request("task0.bad", CPU, "")))).orThrow();
        p.destroy(made.get(0).id());
        Files.delete(home.resolve("aliyun/keys/cn-hangzhou/" + keyPair() + ".pem"));
        var again = provider();
        assertThatThrownBy(() -> again.create(CreatePlan.of(List.of(request("task0.bad", CPU, "")))).orThrow())
                .hasMessageContaining("key pair " + keyPair() + " exists in cn-hangzhou but its private key is not at")
                .hasMessageContaining("FASTGPU_ALIYUN_KEYPAIR").satisfies(AliyunBadInputTest::oneLine);
        assertThat(fixture.cloud.api().instances()).isEmpty();
    }

    @Test
    void theSecretIsNeverWrittenAnywhere() throws IOException {
        var p = provider();
        var made = p.create(CreatePlan.of(List.of(request("task0.bad", CPU, "")))).orThrow();
        p.awaitReady(List.of(made.get(0).id()), Duration.ofMinutes(1));
        p.close();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(CloudFixture.SECRET);
            }
        }
        assertThat(Files.getPosixFilePermissions(home.resolve("aliyun/keys/cn-hangzhou/" + keyPair() + ".pem")))
                .containsExactly(java.nio.file.attribute.PosixFilePermission.OWNER_READ);
    }
}
