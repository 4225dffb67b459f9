package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.DeleteInstanceRequest;
import com.aliyun.ecs20140526.models.DeleteInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeAvailableResourceRequest;
import com.aliyun.ecs20140526.models.DescribeAvailableResourceResponseBody;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance;
import com.aliyun.ecs20140526.models.DescribeZonesRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.ecs20140526.models.StartInstanceRequest;
import com.aliyun.ecs20140526.models.StartInstancesRequest;
import com.aliyun.ecs20140526.models.StopInstancesRequest;
import com.aliyun.ecs20140526.models.StopInstancesResponseBody;
import com.aliyun.tea.TeaException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instance lifecycle driven through the official SDK over HTTP. */
class InstancesTest {
    private static final String GPU = "ecs.gn7i-c8g1.2xlarge";
    private static final String CPU = "ecs.g7.xlarge";

    @TempDir
    Path dir;
    private AliyunEmulator emulator;
    private EmulatorFixture.Network net;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private Client start(EmulatorConfig.Builder config) throws Exception {
        emulator = new AliyunEmulator(config.stateFile(dir.resolve("state.json")).build()).start();
        if (net == null) {
            net = EmulatorFixture.network(emulator);
        }
        return EmulatorFixture.client(emulator);
    }

    private RunInstancesRequest run(String type, int amount, String jobTag) {
        return new RunInstancesRequest()
                .setRegionId(EmulatorFixture.REGION)
                .setZoneId("cn-hangzhou-h")
                .setImageId("ubuntu_22_04_x64_20G_alibase_20240101.vhd")
                .setInstanceType(type)
                .setAmount(amount)
                .setInstanceName("fastgpu-job")
                .setHostName("worker")
                .setUniqueSuffix(true)
                .setVSwitchId(net.vSwitchId())
                .setSecurityGroupId(net.securityGroupId())
                .setKeyPairName(net.keyPairName())
                .setInternetMaxBandwidthOut(10)
                .setSpotStrategy("SpotAsPriceGo")
                .setSystemDisk(new RunInstancesRequest.RunInstancesRequestSystemDisk().setSize("100"))
                .setTag(List.of(
                        new RunInstancesRequest.RunInstancesRequestTag().setKey("fastgpu:job").setValue(jobTag),
                        new RunInstancesRequest.RunInstancesRequestTag().setKey("owner").setValue("tests")));
    }

    private static List<DescribeInstancesResponseBodyInstancesInstance> describe(Client client, List<String> ids)
            throws Exception {
        return client.describeInstances(new DescribeInstancesRequest().setRegionId(EmulatorFixture.REGION)
                .setInstanceIds(toJson(ids))).getBody().getInstances().getInstance();
    }

    private static String status(Client client, String id) throws Exception {
        return describe(client, List.of(id)).get(0).getStatus();
    }

    private static String toJson(List<String> ids) {
        return "[\"" + String.join("\",\"", ids) + "\"]";
    }

    @Test
    void runsThreeTaggedInstancesAndFindsThemByIdAndByTag() throws Exception {
        Client client = start(EmulatorFixture.config());
        List<String> ids = client.runInstances(run(GPU, 3, "job-a")).getBody().getInstanceIdSets().getInstanceIdSet();
        client.runInstances(run(CPU, 1, "job-b"));

        assertThat(ids).hasSize(3).allMatch(id -> id.matches("i-[a-z0-9]{20}"));

        List<DescribeInstancesResponseBodyInstancesInstance> byId = describe(client, ids);
        assertThat(byId).extracting(DescribeInstancesResponseBodyInstancesInstance::getInstanceId)
                .containsExactlyElementsOf(ids);
        assertThat(byId).extracting(DescribeInstancesResponseBodyInstancesInstance::getInstanceName)
                .containsExactly("fastgpu-job001", "fastgpu-job002", "fastgpu-job003");
        DescribeInstancesResponseBodyInstancesInstance first = byId.get(0);
        assertThat(first.getHostName()).isEqualTo("worker001");
        assertThat(first.getStatus()).isEqualTo("Running"); // boot latency 0
        assertThat(first.getInstanceType()).isEqualTo(GPU);
        assertThat(first.getZoneId()).isEqualTo("cn-hangzhou-h");
        assertThat(first.getSpotStrategy()).isEqualTo("SpotAsPriceGo");
        assertThat(first.getCreationTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ");
        assertThat(first.getPublicIpAddress().getIpAddress()).singleElement().asString().startsWith("203.0.113.");
        assertThat(first.getVpcAttributes().getPrivateIpAddress().getIpAddress()).singleElement().asString()
                .startsWith("192.168.1.");
        assertThat(first.getVpcAttributes().getVpcId()).isEqualTo(net.vpcId());
        assertThat(first.getVpcAttributes().getVSwitchId()).isEqualTo(net.vSwitchId());
        assertThat(first.getSecurityGroupIds().getSecurityGroupId()).containsExactly(net.securityGroupId());
        assertThat(first.getKeyPairName()).isEqualTo("fastgpu");
        assertThat(first.getImageId()).isEqualTo(EmulatorFixture.IMAGE);
        assertThat(first.getGPUAmount()).isEqualTo(1);
        assertThat(first.getGPUSpec()).isEqualTo("NVIDIA A10");
        assertThat(first.getTags().getTag()).extracting(t -> t.getTagKey() + "=" + t.getTagValue())
                .containsExactly("fastgpu:job=job-a", "owner=tests");
        assertThat(byId).extracting(i -> i.getVpcAttributes().getPrivateIpAddress().getIpAddress().get(0))
                .doesNotHaveDuplicates();

        DescribeInstancesResponseBody byTag = client.describeInstances(new DescribeInstancesRequest()
                .setRegionId(EmulatorFixture.REGION)
                .setTag(List.of(new DescribeInstancesRequest.DescribeInstancesRequestTag().setKey("fastgpu:job")
                        .setValue("job-a")))).getBody();
        assertThat(byTag.getTotalCount()).isEqualTo(3);
        assertThat(byTag.getInstances().getInstance()).extracting(DescribeInstancesResponseBodyInstancesInstance::getInstanceId)
                .containsExactlyElementsOf(ids);

        DescribeInstancesResponseBody byName = client.describeInstances(new DescribeInstancesRequest()
                .setRegionId(EmulatorFixture.REGION).setInstanceName("fastgpu-job00*")).getBody();
        assertThat(byName.getTotalCount()).isEqualTo(3);
    }

    @Test
    void paginatesByPageNumberAndByNextToken() throws Exception {
        Client client = start(EmulatorFixture.config());
        List<String> ids = client.runInstances(run(GPU, 3, "job-p")).getBody().getInstanceIdSets().getInstanceIdSet();

        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= 2; page++) {
            DescribeInstancesResponseBody body = client.describeInstances(new DescribeInstancesRequest()
                    .setRegionId(EmulatorFixture.REGION).setPageNumber(page).setPageSize(2)).getBody();
            assertThat(body.getTotalCount()).isEqualTo(3);
            assertThat(body.getPageNumber()).isEqualTo(page);
            assertThat(body.getPageSize()).isEqualTo(2);
            body.getInstances().getInstance().forEach(i -> seen.add(i.getInstanceId()));
        }
        assertThat(seen).containsExactlyElementsOf(ids);

        List<String> viaToken = new ArrayList<>();
        String token = null;
        int calls = 0;
        do {
            DescribeInstancesResponseBody body = client.describeInstances(new DescribeInstancesRequest()
                    .setRegionId(EmulatorFixture.REGION).setMaxResults(2).setNextToken(token)).getBody();
            body.getInstances().getInstance().forEach(i -> viaToken.add(i.getInstanceId()));
            token = body.getNextToken();
            calls++;
        } while (token != null && !token.isEmpty());
        assertThat(calls).isEqualTo(2);
        assertThat(viaToken).containsExactlyElementsOf(ids);
    }

    @Test
    void walksThroughTheStateMachineWithBootLatency() throws Exception {
        Client client = start(EmulatorFixture.config()
                .bootLatency(Duration.ofMillis(800)).stopLatency(Duration.ofMillis(400)));
        String id = client.runInstances(run(GPU, 1, "job-s")).getBody().getInstanceIdSets().getInstanceIdSet().get(0);

        assertThat(status(client, id)).isIn("Pending", "Starting");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(client, id).equals("Running"));

        StopInstancesResponseBody stopped = client.stopInstances(new StopInstancesRequest()
                .setRegionId(EmulatorFixture.REGION).setInstanceId(List.of(id))).getBody();
        assertThat(stopped.getInstanceResponses().getInstanceResponse()).singleElement()
                .satisfies(r -> {
                    assertThat(r.getPreviousStatus()).isEqualTo("Running");
                    assertThat(r.getCurrentStatus()).isEqualTo("Stopping");
                });
        assertThat(status(client, id)).isEqualTo("Stopping");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(client, id).equals("Stopped"));

        client.startInstance(new StartInstanceRequest().setInstanceId(id));
        assertThat(status(client, id)).isEqualTo("Starting");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(client, id).equals("Running"));
    }

    @Test
    void stopsStartsAndDeletes() throws Exception {
        Client client = start(EmulatorFixture.config());
        List<String> ids = client.runInstances(run(CPU, 2, "job-d")).getBody().getInstanceIdSets().getInstanceIdSet();

        TeaException notStopped = catchThrowableOfType(TeaException.class, () -> client.deleteInstances(
                new DeleteInstancesRequest().setRegionId(EmulatorFixture.REGION).setInstanceId(ids)));
        assertThat(notStopped.getCode()).isEqualTo("IncorrectInstanceStatus");

        TeaException alreadyRunning = catchThrowableOfType(TeaException.class, () -> client.startInstances(
                new StartInstancesRequest().setRegionId(EmulatorFixture.REGION).setInstanceId(ids)));
        assertThat(alreadyRunning.getCode()).isEqualTo("IncorrectInstanceStatus");

        client.stopInstances(new StopInstancesRequest().setRegionId(EmulatorFixture.REGION).setInstanceId(ids));
        assertThat(describe(client, ids)).extracting(DescribeInstancesResponseBodyInstancesInstance::getStatus)
                .containsOnly("Stopped");
        client.startInstances(new StartInstancesRequest().setRegionId(EmulatorFixture.REGION).setInstanceId(ids));
        assertThat(describe(client, ids)).extracting(DescribeInstancesResponseBodyInstancesInstance::getStatus)
                .containsOnly("Running");

        client.deleteInstances(new DeleteInstancesRequest().setRegionId(EmulatorFixture.REGION)
                .setInstanceId(List.of(ids.get(0))).setForce(true));
        client.stopInstances(new StopInstancesRequest().setRegionId(EmulatorFixture.REGION)
                .setInstanceId(List.of(ids.get(1))));
        client.deleteInstance(new DeleteInstanceRequest().setInstanceId(ids.get(1)));
        assertThat(describe(client, ids)).isEmpty();

        TeaException gone = catchThrowableOfType(TeaException.class,
                () -> client.deleteInstance(new DeleteInstanceRequest().setInstanceId(ids.get(1)).setForce(true)));
        assertThat(gone.getCode()).isEqualTo("InvalidInstanceId.NotFound");
    }

    @Test
    void describesZonesAndStock() throws Exception {
        Client client = start(EmulatorFixture.config());

        assertThat(client.describeZones(new DescribeZonesRequest().setRegionId(EmulatorFixture.REGION)).getBody()
                .getZones().getZone()).extracting(z -> z.getZoneId()).containsExactly("cn-hangzhou-h", "cn-hangzhou-i");

        DescribeAvailableResourceResponseBody stock = client.describeAvailableResource(
                new DescribeAvailableResourceRequest().setRegionId(EmulatorFixture.REGION)
                        .setDestinationResource("InstanceType").setInstanceType(GPU)).getBody();
        assertThat(stock.getAvailableZones().getAvailableZone()).extracting(
                        z -> z.getZoneId() + ":" + z.getAvailableResources().getAvailableResource().get(0)
                                .getSupportedResources().getSupportedResource().get(0).getStatusCategory())
                .containsExactly("cn-hangzhou-h:WithStock", "cn-hangzhou-i:WithoutStock");
    }

    @Test
    void spotInterruptionStopsAndLocksTheInstance() throws Exception {
        Client client = start(EmulatorFixture.config());
        String id = client.runInstances(run(GPU, 1, "job-spot")).getBody().getInstanceIdSets().getInstanceIdSet().get(0);

        emulator.testHooks().interruptSpotInstance(id);

        DescribeInstancesResponseBodyInstancesInstance instance = describe(client, List.of(id)).get(0);
        assertThat(instance.getStatus()).isEqualTo("Stopped");
        assertThat(instance.getOperationLocks().getLockReason()).singleElement()
                .satisfies(l -> assertThat(l.getLockReason()).isEqualTo("Recycling"));
    }

    @Test
    void stateSurvivesARestart() throws Exception {
        Client client = start(EmulatorFixture.config());
        List<String> ids = client.runInstances(run(GPU, 3, "job-r")).getBody().getInstanceIdSets().getInstanceIdSet();
        client.stopInstances(new StopInstancesRequest().setRegionId(EmulatorFixture.REGION)
                .setInstanceId(List.of(ids.get(2))));
        emulator.close();

        Client again = start(EmulatorFixture.config());

        assertThat(describe(again, ids)).extracting(i -> i.getInstanceId() + ":" + i.getStatus())
                .containsExactly(ids.get(0) + ":Running", ids.get(1) + ":Running", ids.get(2) + ":Stopped");
        assertThat(describe(again, ids).get(0).getTags().getTag()).hasSize(2);
    }
}
