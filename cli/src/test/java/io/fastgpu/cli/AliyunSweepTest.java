package io.fastgpu.cli;

import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.emulator.aliyun.InstanceView;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.Endpoint;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls;
import io.fastgpu.provider.aliyun.wire.NasCalls;
import io.fastgpu.provider.aliyun.wire.SweepCalls;
import io.fastgpu.provider.aliyun.wire.VpcCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fastgpu sweep} on the emulated Alibaba Cloud: with leftovers planted (an instance of a job this client
 * does not know, an orphan security group, a VPC with a vSwitch and no instance) beside a job it knows and
 * resources without FastGPU's tags, it lists exactly the leftovers and releases them dependents first.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AliyunSweepTest {
    static final String SECRET = "sweep-test-secret-" + System.nanoTime();
    @TempDir Path tmp;
    EmulatedCloud cloud;
    Cli cli;

    @BeforeEach
    void start() throws IOException {
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey("LTAI-sweep", SECRET).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(300)).build(), 0, tmp.resolve("machines"), sshPort);
        cli = new Cli(tmp.resolve("cli")).env(env());
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(cloud.environment("LTAI-sweep", SECRET));
        env.put("USER", System.getProperty("user.name"));
        return env;
    }

    @AfterEach
    void stop() {
        if (cloud != null) cloud.close();
    }

    @Test
    void listsExactlyOursThatNothingAccountsForAndReleasesThemInOrder() {
        cli.run("create", "--name", "kept", "--instance_type", "ecs.g7.xlarge", "--autostop", "off", "--yes").expectExit(0);
        // A client elsewhere (another FastGPU home) whose job this one does not know: its machine is a leftover here.
        Map<String, String> elsewhere = env();
        elsewhere.put("FASTGPU_ALIYUN_KEYPAIR", "fastgpu-elsewhere");
        new Cli(tmp.resolve("elsewhere")).env(elsewhere)
                .run("create", "--name", "lost", "--instance_type", "ecs.g7.xlarge", "--autostop", "off", "--yes").expectExit(0);
        CloudApi api = new CloudApi(new Endpoint("cn-hangzhou", cloud.environment("x", null).get("FASTGPU_ALIYUN_ENDPOINT"),
                Duration.ofSeconds(10)), "LTAI-sweep", SECRET);
        VpcCalls vpcs = new VpcCalls(api);
        SecurityGroupCalls groups = new SecurityGroupCalls(api);
        SweepCalls tags = new SweepCalls(api);
        Map<String, String> ours = Map.of("fastgpu:owner", System.getProperty("user.name"));
        String fastgpuVpc = vpcs.named("fastgpu-vpc").get(0).id();
        String orphanGroup = groups.create(fastgpuVpc, "orphan-sg", "left by a killed launch", ours);
        String emptyVpc = vpcs.create("empty-vpc", "10.0.0.0/16", "left over");
        tags.tagNetwork("VPC", emptyVpc, ours);
        awaitAvailable(vpcs, emptyVpc);
        String emptySwitch = vpcs.createVSwitch(emptyVpc, "cn-hangzhou-h", "10.0.0.0/24", "empty-vsw");
        tags.tagNetwork("VSWITCH", emptySwitch, ours);
        // FastGPU's NAS of a zone (known by its description): one mounted only in the empty VPC is a leftover, one
        // mounted where a kept machine is stays.
        NasCalls nas = new NasCalls(api);
        String leftNas = nas.createFileSystem("cn-hangzhou-h", "fastgpu-nas-cn-hangzhou-h");
        mount(nas, leftNas, emptyVpc, emptySwitch);
        String keptNas = nas.createFileSystem("cn-hangzhou-i", "fastgpu-nas-cn-hangzhou-i");
        String keptSwitch = tags.vSwitches().stream().filter(r -> r.uses().contains(fastgpuVpc)).findFirst().orElseThrow().id();
        mount(nas, keptNas, fastgpuVpc, keptSwitch);
        // Not ours: never listed, never touched.
        String foreignNas = nas.createFileSystem("cn-hangzhou-h", "team datasets");
        String foreignGroup = groups.create(fastgpuVpc, "someone-elses", "no tags", Map.of());
        String foreignVpc = vpcs.create("someone-elses-vpc", "10.1.0.0/16", "no tags");
        String lostId = cloud.api().instances().stream().filter(v -> v.instanceName().equals("task0.lost"))
                .findFirst().orElseThrow().instanceId();

        Cli.Result listed = cli.run("sweep").expectExit(0);
        assertThat(listed.out()).contains(lostId, "fastgpu-elsewhere", orphanGroup, emptyVpc, emptySwitch, leftNas)
                .contains("its files go with it")
                .doesNotContain(foreignGroup, foreignVpc, fastgpuVpc, keptNas, foreignNas)
                .contains("6 leftover(s) of yours that no known job accounts for, about 0.80 per hour; 3 resource(s) without"
                        + " your FastGPU tags skipped (never touched).");
        assertThat(cloud.api().instances()).hasSize(2);

        assertThat(cli.runWithInput("n\n", "sweep", "--release").expectExit(1).err()).contains("Release these 6 resource(s)? (y/N)");
        Cli.Result released = cli.runWithInput("y\n", "sweep", "--release").expectExit(0);
        List<String> order = released.outLines().stream().filter(l -> l.startsWith("released ")).toList();
        assertThat(order).hasSize(6);
        assertThat(order.get(0)).startsWith("released instance " + lostId);
        assertThat(order.get(1)).startsWith("released keypair fastgpu-elsewhere");
        assertThat(order.get(2)).startsWith("released securitygroup " + orphanGroup);
        assertThat(order.get(3)).startsWith("released nas " + leftNas); // its mount target first, then the vSwitch it held
        assertThat(order.get(4)).startsWith("released vswitch " + emptySwitch);
        assertThat(order.get(5)).startsWith("released vpc " + emptyVpc);
        assertThat(nas.fileSystems()).extracting(NasCalls.FileSystem::id).contains(keptNas, foreignNas).doesNotContain(leftNas);
        assertThat(cloud.api().instances()).extracting(InstanceView::instanceName).containsExactly("task0.kept");
        assertThat(tags.securityGroups()).extracting(SweepCalls.Resource::id).contains(foreignGroup).doesNotContain(orphanGroup);
        assertThat(tags.vpcs()).extracting(SweepCalls.Resource::id).contains(foreignVpc, fastgpuVpc).doesNotContain(emptyVpc);
        assertThat(cli.run("sweep").expectExit(0).out()).contains("0 leftover(s)");
        cli.run("kill", "--yes", "task0.kept").expectExit(0);
    }

    /** A mount target of {@code fs} in {@code vpc}, once the file system (then the target) is ready. */
    private static void mount(NasCalls nas, String fs, String vpc, String vSwitch) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                nas.createMountTarget(fs, vpc, vSwitch);
                return;
            } catch (io.fastgpu.provider.aliyun.wire.CloudError e) {
                if (!e.code().startsWith("OperationDenied") && !e.code().startsWith("Incorrect") || System.nanoTime() > deadline) throw e;
                CloudApi.sleep(100);
            }
        }
    }

    private static void awaitAvailable(VpcCalls vpcs, String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"Available".equals(vpcs.status(id))) {
            if (System.nanoTime() > deadline) throw new AssertionError("VPC " + id + " never became Available");
            CloudApi.sleep(100);
        }
    }
}
