package io.fastgpu.provider.aliyun;

import com.sun.net.httpserver.HttpServer;
import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.facet.Firewall;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls.Rule;
import io.fastgpu.provider.aliyun.wire.VpcCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A first launch must be able to reach its machines: before buying, SSH is opened to the caller's public address
 * (asked of FASTGPU_PUBLIC_IP_URL, served here by a small HTTP server, or by the emulator itself) unless a rule lets
 * it in already. The emulator's machines obey their security group, so a missing rule shows as a refused login.
 */
class AliyunCallerAccessTest {
    @TempDir Path dir;
    private HttpServer whatIsMyIp;
    private final AtomicReference<String> answer = new AtomicReference<>("198.51.100.7");
    private final List<String> notices = new CopyOnWriteArrayList<>();

    /** One key for every test's home, so each need not make one (the cloud imports it). */
    private static String key;

    @BeforeAll
    static void makeOneKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    @BeforeEach
    void serveTheAddressLookup() throws IOException {
        Path saved = dir.resolve("home/aliyun/keys/cn-hangzhou/fastgpu-tester.pem");
        Files.createDirectories(saved.getParent());
        Files.writeString(saved, key);
        Files.setPosixFilePermissions(saved, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")); // as FastGPU saves it
        whatIsMyIp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        whatIsMyIp.createContext("/", exchange -> {
            byte[] body = (answer.get() + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        whatIsMyIp.start();
    }

    @AfterEach
    void stopServing() { whatIsMyIp.stop(0); }

    private String lookupUrl() { return "http://127.0.0.1:" + whatIsMyIp.getAddress().getPort() + "/"; }

    private AliyunProvider provider(CloudFixture cloud, String url) {
        Map<String, String> env = new HashMap<>(cloud.env());
        env.put("FASTGPU_PUBLIC_IP_URL", url);
        return new AliyunProvider(dir.resolve("home"), e -> { if (e instanceof Event.Notice n) notices.add(n.message()); }, env,
                cloud.root.resolve("user"));
    }

    private static List<CreateRequest> one(String name) {
        return List.of(new CreateRequest(name, new Resources("ecs.g7.xlarge", "", false, 40), "", Map.of("fastgpu:job", "ip"), Map.of()));
    }

    private static void launch(AliyunProvider p, String name) { p.create(p.validate(one(name))).orThrow(); }

    /** Where the FastGPU security group lets SSH in from, read back with DescribeSecurityGroupAttribute. */
    private static List<String> sshSources(CloudFixture cloud) {
        CloudApi api = cloud.api();
        String vpc = new VpcCalls(api).named("fastgpu-vpc").get(0).id();
        String group = new SecurityGroupCalls(api).named(vpc, "fastgpu-vpc-sg").orElseThrow();
        return new SecurityGroupCalls(api).ingress(group).stream().filter(r -> r.portRange().equals("22/22"))
                .map(Rule::sourceCidr).toList();
    }

    @Test
    void theFirstLaunchOpensSshToTheCallersAddressBeforeBuyingAndTheNextOneFindsItOpen() {
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = provider(cloud, lookupUrl())) {
            CreatePlan plan = p.validate(one("task0.first"));
            assertThat(plan.details()).containsEntry("open_ssh:fastgpu-vpc", "198.51.100.7/32");
            assertThat(cloud.calls("AuthorizeSecurityGroup")).isZero(); // the check opened nothing

            p.create(plan).orThrow();

            assertThat(sshSources(cloud)).containsExactly("198.51.100.7/32");
            assertThat(notices).anyMatch(n -> n.equals("Opening SSH (22/tcp) in security group fastgpu-vpc-sg to 198.51.100.7/32 (this machine, as the cloud sees it) so that it can reach its machines"));
            notices.clear();
            assertThat(p.validate(one("task1.first")).details()).doesNotContainKey("open_ssh:fastgpu-vpc");
            launch(p, "task1.first");
            assertThat(sshSources(cloud)).containsExactly("198.51.100.7/32");
            assertThat(notices).noneMatch(n -> n.contains("Opening SSH"));
        }
    }

    @Test
    void aCallerWhoseAddressChangedGetsASecondRuleAndARuleRemovedByHandIsAddedAgain() {
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = provider(cloud, lookupUrl())) {
            launch(p, "task0.moving");
            answer.set("198.51.100.8");
            launch(p, "task1.moving");
            assertThat(sshSources(cloud)).containsExactlyInAnyOrder("198.51.100.7/32", "198.51.100.8/32");

            CloudApi api = cloud.api();
            String vpc = new VpcCalls(api).named("fastgpu-vpc").get(0).id();
            String group = new SecurityGroupCalls(api).named(vpc, "fastgpu-vpc-sg").orElseThrow();
            new SecurityGroupCalls(api).revoke(group, Rule.ssh("198.51.100.8/32", ""));
            assertThat(sshSources(cloud)).containsExactly("198.51.100.7/32");

            launch(p, "task2.moving");
            assertThat(sshSources(cloud)).containsExactlyInAnyOrder("198.51.100.7/32", "198.51.100.8/32");
        }
    }

    /** One launch of one machine, as a fresh {@code fastgpu launch} makes it: bought, then awaited over SSH. */
    private Instance launchAndAwait(CloudFixture cloud, String name) {
        try (AliyunProvider p = cloud.provider(dir.resolve("home"))) {
            Instance made = p.create(p.validate(one(name))).orThrow().get(0);
            return p.awaitReady(List.of(made.id()), Duration.ofSeconds(30)).get(0);
        }
    }

    /** Whether a new SSH connection (a fresh provider: no connection kept from before) logs in to {@code i} and runs a command. */
    private boolean logsIn(CloudFixture cloud, Instance i) {
        try (AliyunProvider p = cloud.provider(dir.resolve("home"))) {
            return p.transport(i).exec("true", OutputSink.DISCARD, Duration.ofSeconds(20)) == 0;
        } catch (FastGpuException e) {
            return false;
        }
    }

    @Test
    void withTheGroupEnforcedTheCallerLogsInOnlyWhileARuleLetsItsAddressIn() {
        // The emulator's own address lookup (FASTGPU_PUBLIC_IP_URL from its environment) and caller address.
        try (CloudFixture cloud = new CloudFixture(dir)) {
            Instance first = launchAndAwait(cloud, "task0.door"); // a fresh account: nothing lets anyone in before it
            assertThat(sshSources(cloud)).containsExactly("198.51.100.7/32");
            assertThat(logsIn(cloud, first)).isTrue();

            cloud.cloud.api().testHooks().setCallerIp("203.0.113.44"); // the caller moved to another network
            assertThat(logsIn(cloud, first)).isFalse();
            launchAndAwait(cloud, "task1.door");
            assertThat(sshSources(cloud)).containsExactlyInAnyOrder("198.51.100.7/32", "203.0.113.44/32");
            assertThat(logsIn(cloud, first)).isTrue();

            CloudApi api = cloud.api();
            String vpc = new VpcCalls(api).named("fastgpu-vpc").get(0).id();
            String group = new SecurityGroupCalls(api).named(vpc, "fastgpu-vpc-sg").orElseThrow();
            new SecurityGroupCalls(api).revoke(group, Rule.ssh("203.0.113.44/32", "")); // removed by hand, in the console
            assertThat(logsIn(cloud, first)).isFalse();
            launchAndAwait(cloud, "task2.door");
            assertThat(logsIn(cloud, first)).isTrue();
        }
    }

    @Test
    void anAddressThatCannotBeFoundStopsTheLaunchBeforeBuyingUnlessAddipOpenedSsh() {
        String closed = "http://127.0.0.1:" + CloudFixture.freePort() + "/";
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = provider(cloud, closed)) {
            assertThatThrownBy(() -> p.validate(one("task0.lost")))
                    .hasMessageContaining("could not find your public address at " + closed)
                    .hasMessageContaining("run 'fastgpu addip --ip YOUR.ADDRESS' first, or set FASTGPU_PUBLIC_IP_URL")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            answer.set("<html>busy</html>");
            try (AliyunProvider garbled = provider(cloud, lookupUrl())) {
                assertThatThrownBy(() -> garbled.create(CreatePlan.of(one("task0.lost"))))
                        .hasMessageContaining("could not find your public address at " + lookupUrl() + " (answer 200: '<html>busy</html>')")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
            assertThat(cloud.calls("RunInstances") + cloud.calls("CreateVpc") + cloud.calls("CreateSecurityGroup")).isZero();

            p.capabilities().facet(Firewall.class).orElseThrow().allowSsh("203.0.113.5");
            launch(p, "task0.lost");

            assertThat(notices).anyMatch(n -> n.contains("could not find your public address at " + closed)
                    && n.contains("SSH to the machines is open only to 203.0.113.5/32"));
            assertThat(sshSources(cloud)).containsExactly("203.0.113.5/32");
            assertThat(cloud.cloud.api().instances()).hasSize(1);
        }
    }
}
