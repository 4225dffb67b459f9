package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static io.fastgpu.emulator.aliyun.EmulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.DeleteInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance;
import com.aliyun.ecs20140526.models.ListTagResourcesRequest;
import com.aliyun.ecs20140526.models.ModifyInstanceAttributeRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest.RunInstancesRequestDataDisk;
import com.aliyun.ecs20140526.models.RunInstancesRequest.RunInstancesRequestSystemDisk;
import com.aliyun.ecs20140526.models.StopInstancesRequest;
import com.aliyun.ecs20140526.models.TagResourcesRequest;
import com.aliyun.ecs20140526.models.UntagResourcesRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RunInstances' parameters (names, network, disks, spot) and the calls that follow instances. */
class LaunchTest {
    private AliyunEmulator emulator;
    private EmulatorFixture.Network net;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client start(EmulatorConfig.Builder config) throws Exception {
        emulator = new AliyunEmulator(config.build()).start();
        net = EmulatorFixture.network(emulator);
        return EmulatorFixture.client(emulator);
    }

    private RunInstancesRequest run(String type, int amount) {
        return new RunInstancesRequest().setRegionId(REGION).setImageId(EmulatorFixture.IMAGE).setInstanceType(type)
                .setAmount(amount).setSecurityGroupId(net.securityGroupId()).setVSwitchId(net.vSwitchId());
    }

    private static List<DescribeInstancesResponseBodyInstancesInstance> describe(Client ecs, List<String> ids)
            throws Exception {
        return ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setInstanceIds("[\"" + String.join("\",\"", ids) + "\"]").setPageSize(100)).getBody().getInstances()
                .getInstance();
    }

    private static List<String> ids(Client ecs, RunInstancesRequest request) throws Exception {
        return ecs.runInstances(request).getBody().getInstanceIdSets().getInstanceIdSet();
    }

    @Test
    void namesABatchInOrder() throws Exception {
        Client ecs = start(EmulatorFixture.config());

        List<String> ordered = ids(ecs, run("ecs.g7.large", 3).setInstanceName("k8s-node-[1,4]-alibabacloud")
                .setHostName("k8s-node-[1,4]-ecshost"));
        assertThat(describe(ecs, ordered)).extracting(i -> i.getInstanceName() + " " + i.getHostName())
                .containsExactly("k8s-node-0001-alibabacloud k8s-node-0001-ecshost",
                        "k8s-node-0002-alibabacloud k8s-node-0002-ecshost", "k8s-node-0003-alibabacloud k8s-node-0003-ecshost");

        List<String> numbered = ids(ecs, run("ecs.g7.large", 2).setInstanceName("instance-[99,3]")
                .setHostName("worker").setUniqueSuffix(true));
        assertThat(describe(ecs, numbered)).extracting(i -> i.getInstanceName() + " " + i.getHostName())
                .containsExactly("instance-099 worker001", "instance-100 worker002");

        List<String> byId = ids(ecs, run("ecs.g7.large", 1).setHostName("k8s-${instance_id}"));
        assertThat(describe(ecs, byId).get(0).getHostName()).isEqualTo("k8s-" + byId.get(0));
        assertThat(describe(ecs, byId).get(0).getInstanceName()).isEqualTo(byId.get(0)); // the default name

        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setInstanceName("k8s-node-*")).getBody().getTotalCount()).isEqualTo(3);
        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setInstanceName("instance-100")).getBody().getTotalCount()).isEqualTo(1);
    }

    @Test
    void refusesBadNames() throws Exception {
        Client ecs = start(EmulatorFixture.config());

        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setInstanceName("1-bad"))).getCode())
                .isEqualTo("InvalidInstanceName.Malformed");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setHostName("bad_host"))).getCode())
                .isEqualTo("InvalidHostName.Malformed");
        TeaException tooLong = failure(() -> ecs.runInstances(run("ecs.g7.large", 2).setInstanceName("a".repeat(126))
                .setUniqueSuffix(true)));
        assertThat(tooLong.getCode()).isEqualTo("InvalidParams.InstanceNameExceed");
        assertThat(tooLong.getStatusCode()).isEqualTo(403);
    }

    @Test
    void refusesUnknownOrInconsistentResources() throws Exception {
        Client ecs = start(EmulatorFixture.config());
        var vpc = EmulatorFixture.vpcClient(emulator);
        String otherVpc = vpc.createVpc(new CreateVpcRequest().setRegionId(REGION).setCidrBlock("10.0.0.0/8")).getBody()
                .getVpcId();
        String otherVSwitch = vpc.createVSwitch(new CreateVSwitchRequest().setRegionId(REGION).setVpcId(otherVpc)
                .setZoneId("cn-hangzhou-i").setCidrBlock("10.1.0.0/16")).getBody().getVSwitchId();

        TeaException image = failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setImageId("win2019_nothere.vhd")));
        assertThat(image.getCode()).isEqualTo("InvalidImageId.NotFound");
        assertThat(image.getStatusCode()).isEqualTo(404);
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setSecurityGroupId("sg-nothere"))).getCode())
                .isEqualTo("InvalidSecurityGroupId.NotFound");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setVSwitchId("vsw-nothere"))).getCode())
                .isEqualTo("InvalidVSwitchId.NotFound");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setVSwitchId(null))).getCode())
                .isEqualTo("InvalidVSwitchId.Necessary");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setSecurityGroupId(null))).getCode())
                .isEqualTo("MissingParameter");
        TeaException keyPair = failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setKeyPairName("nobody")));
        assertThat(keyPair.getCode()).isEqualTo("InvalidKeyPairName.NotFound");
        assertThat(keyPair.getStatusCode()).isEqualTo(404);
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setZoneId("cn-hangzhou-i"))).getCode())
                .isEqualTo("InvalidParameter.Mismatch");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setZoneId("cn-hangzhou-z"))).getCode())
                .isEqualTo("InvalidZoneId.NotFound");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setVSwitchId(otherVSwitch))).getCode())
                .isEqualTo("OperationDenied.InconsistentNetwork");
    }

    @Test
    void recordsDisksSpotAndBandwidth() throws Exception {
        Client ecs = start(EmulatorFixture.config());

        String id = ids(ecs, run("ecs.gn6v-c8g1.2xlarge", 1).setKeyPairName("fastgpu")
                .setSystemDisk(new RunInstancesRequestSystemDisk().setSize("100"))
                .setDataDisk(List.of(new RunInstancesRequestDataDisk().setSize(500),
                        new RunInstancesRequestDataDisk().setSize(20)))
                .setSpotStrategy("SpotWithPriceLimit").setSpotPriceLimit(10f).setInternetMaxBandwidthOut(5)).get(0);
        DescribeInstancesResponseBodyInstancesInstance i = describe(ecs, List.of(id)).get(0);
        assertThat(i.getSpotStrategy()).isEqualTo("SpotWithPriceLimit");
        assertThat(i.getSpotPriceLimit()).isEqualTo(10f);
        assertThat(i.getInternetMaxBandwidthOut()).isEqualTo(5);
        assertThat(i.getPublicIpAddress().getIpAddress()).hasSize(1);
        assertThat(i.getCpu()).isEqualTo(8);
        assertThat(i.getMemory()).isEqualTo(32 * 1024);
        assertThat(i.getGPUSpec()).isEqualTo("NVIDIA V100");
        assertThat(i.getOSName()).isEqualTo("Ubuntu  22.04 64 bit");
        InstanceRecord stored = emulatorRecord(id);
        assertThat(stored.systemDiskSize()).isEqualTo(100);
        assertThat(stored.dataDiskSizes()).containsExactly(500, 20);

        String noBandwidth = ids(ecs, run("ecs.g7.large", 1)).get(0);
        assertThat(describe(ecs, List.of(noBandwidth)).get(0).getPublicIpAddress().getIpAddress()).isEmpty();
        assertThat(emulatorRecord(noBandwidth).systemDiskSize()).isEqualTo(40);

        assertThat(failure(() -> ecs.runInstances(run("ecs.gn6v-c8g1.2xlarge", 1).setSpotStrategy("SpotWithPriceLimit")
                .setSpotPriceLimit(0.5f))).getCode()).isEqualTo("InvalidSpotPriceLimit.LowerThanPublicPrice");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setSpotStrategy("Cheapest"))).getCode())
                .isEqualTo("InvalidSpotStrategy");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setInternetMaxBandwidthOut(101))).getCode())
                .isEqualTo("InvalidInternetMaxBandwidthOut.Malformed");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1)
                .setSystemDisk(new RunInstancesRequestSystemDisk().setSize("10")))).getCode())
                .isEqualTo("InvalidSystemDiskSize.LessThanMinSize");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1)
                .setImageId("ubuntu_22_04_x64_20G_alibase_gpu_cuda12_20240101.vhd")
                .setSystemDisk(new RunInstancesRequestSystemDisk().setSize("30")))).getCode())
                .isEqualTo("InvalidSystemDiskSize.LessThanImageSize");
        assertThat(failure(() -> ecs.runInstances(run("ecs.g7.large", 1)
                .setDataDisk(List.of(new RunInstancesRequestDataDisk().setSize(5))))).getCode())
                .isEqualTo("InvalidDataDiskSize.ValueNotSupported");
    }

    private InstanceRecord emulatorRecord(String id) {
        return emulator.cloud().state.instance(id);
    }

    @Test
    void renamesInstances() throws Exception {
        Client ecs = start(EmulatorFixture.config());
        String id = ids(ecs, run("ecs.g7.large", 1).setInstanceName("before").setHostName("before")).get(0);

        ecs.modifyInstanceAttribute(new ModifyInstanceAttributeRequest().setInstanceId(id).setInstanceName("after")
                .setHostName("after-host").setDescription("renamed"));

        DescribeInstancesResponseBodyInstancesInstance i = describe(ecs, List.of(id)).get(0);
        assertThat(i.getInstanceName()).isEqualTo("after");
        assertThat(i.getHostName()).isEqualTo("after-host");
        assertThat(i.getDescription()).isEqualTo("renamed");
        assertThat(emulator.instances()).singleElement().satisfies(v -> assertThat(v.hostName()).isEqualTo("after-host"));
        assertThat(failure(() -> ecs.modifyInstanceAttribute(new ModifyInstanceAttributeRequest()
                .setInstanceId("i-nothere").setInstanceName("x1"))).getCode()).isEqualTo("InvalidInstanceId.NotFound");
        assertThat(failure(() -> ecs.modifyInstanceAttribute(new ModifyInstanceAttributeRequest().setInstanceId(id)
                .setHostName("-bad"))).getCode()).isEqualTo("InvalidHostName.Malformed");
    }

    @Test
    void tagsInstancesSecurityGroupsAndKeyPairs() throws Exception {
        Client ecs = start(EmulatorFixture.config());
        List<String> ids = ids(ecs, run("ecs.g7.large", 2));

        ecs.tagResources(new TagResourcesRequest().setRegionId(REGION).setResourceType("instance").setResourceId(ids)
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("fastgpu:job").setValue("j1"))));
        ecs.tagResources(new TagResourcesRequest().setRegionId(REGION).setResourceType("securitygroup")
                .setResourceId(List.of(net.securityGroupId()))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("fastgpu:job").setValue("j1"))));
        ecs.tagResources(new TagResourcesRequest().setRegionId(REGION).setResourceType("keypair")
                .setResourceId(List.of("fastgpu"))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("owner").setValue("me"))));

        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setTag(List.of(new DescribeInstancesRequest.DescribeInstancesRequestTag().setKey("fastgpu:job")
                        .setValue("j1")))).getBody().getTotalCount()).isEqualTo(2);
        var listed = ecs.listTagResources(new ListTagResourcesRequest().setRegionId(REGION).setResourceType("instance")
                .setTag(List.of(new ListTagResourcesRequest.ListTagResourcesRequestTag().setKey("fastgpu:job")
                        .setValue("j1")))).getBody().getTagResources().getTagResource();
        assertThat(listed).extracting(t -> t.getResourceId()).containsExactlyElementsOf(ids);
        assertThat(listed).allSatisfy(t -> assertThat(t.getResourceType()).isEqualTo("instance"));
        assertThat(ecs.listTagResources(new ListTagResourcesRequest().setRegionId(REGION).setResourceType("keypair")
                .setResourceId(List.of("fastgpu"))).getBody().getTagResources().getTagResource())
                .extracting(t -> t.getTagKey() + "=" + t.getTagValue()).containsExactly("owner=me");

        ecs.untagResources(new UntagResourcesRequest().setRegionId(REGION).setResourceType("instance")
                .setResourceId(List.of(ids.get(0))).setTagKey(List.of("fastgpu:job")));
        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setTag(List.of(new DescribeInstancesRequest.DescribeInstancesRequestTag().setKey("fastgpu:job"))))
                .getBody().getInstances().getInstance()).extracting(i -> i.getInstanceId()).containsExactly(ids.get(1));

        assertThat(failure(() -> ecs.tagResources(new TagResourcesRequest().setRegionId(REGION)
                .setResourceType("instance").setResourceId(List.of("i-nothere"))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("k").setValue("v"))))).getCode())
                .isEqualTo("InvalidResourceId.NotFound");
        assertThat(failure(() -> ecs.tagResources(new TagResourcesRequest().setRegionId(REGION)
                .setResourceType("vpc").setResourceId(List.of(net.vpcId()))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("k").setValue("v"))))).getCode())
                .isEqualTo("InvalidResourceType.NotFound");
        assertThat(failure(() -> ecs.tagResources(new TagResourcesRequest().setRegionId(REGION)
                .setResourceType("instance").setResourceId(ids)
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("aliyun-reserved").setValue("v")))))
                .getCode()).isEqualTo("InvalidTagKey.Malformed");
    }

    @Test
    void filtersInstancesByVpcStatusAndKeyPair() throws Exception {
        Client ecs = start(EmulatorFixture.config());
        List<String> ids = ids(ecs, run("ecs.g7.large", 2).setKeyPairName("fastgpu"));
        ids(ecs, run("ecs.g7.large", 1));
        ecs.stopInstances(new StopInstancesRequest().setRegionId(REGION).setInstanceId(List.of(ids.get(0))));

        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION).setVpcId(net.vpcId()))
                .getBody().getTotalCount()).isEqualTo(3);
        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION).setVpcId("vpc-other"))
                .getBody().getTotalCount()).isZero();
        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION).setStatus("Stopped"))
                .getBody().getInstances().getInstance()).extracting(i -> i.getInstanceId()).containsExactly(ids.get(0));
        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION).setKeyPairName("fastgpu"))
                .getBody().getTotalCount()).isEqualTo(2);
        assertThat(ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setSecurityGroupId(net.securityGroupId()).setInstanceTypeFamily("ecs.g7")).getBody().getTotalCount())
                .isEqualTo(3);
    }

    @Test
    void loopbackAddressesAreNeverReusedAndInstancesAreVisibleInProcess() throws Exception {
        Client ecs = start(EmulatorFixture.config().loopbackAddresses(true));
        AtomicInteger changes = new AtomicInteger();
        emulator.addChangeListener(changes::incrementAndGet);

        // Listeners run after the response is sent, so a change is seen shortly after the call returns.
        int before = changes.get();
        List<String> first = ids(ecs, run("ecs.g7.large", 2).setKeyPairName("fastgpu").setInternetMaxBandwidthOut(1)
                .setHostName("w").setUniqueSuffix(true));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> changes.get() > before);
        assertThat(describe(ecs, first)).extracting(i -> i.getVpcAttributes().getPrivateIpAddress().getIpAddress().get(0)
                + " " + i.getPublicIpAddress().getIpAddress().get(0))
                .containsExactly("127.78.0.1 127.79.0.1", "127.78.0.2 127.79.0.2");

        List<InstanceView> views = emulator.instances();
        assertThat(views).extracting(InstanceView::instanceId).containsExactlyElementsOf(first);
        InstanceView view = views.get(0);
        assertThat(view.regionId()).isEqualTo(REGION);
        assertThat(view.status()).isEqualTo("Running");
        assertThat(view.privateIp()).isEqualTo("127.78.0.1");
        assertThat(view.publicIp()).isEqualTo("127.79.0.1");
        assertThat(view.hostName()).isEqualTo("w001");
        assertThat(view.keyPairName()).isEqualTo("fastgpu");
        assertThat(view.publicKey()).isEqualTo(emulator.publicKeyOf("fastgpu", REGION).orElseThrow())
                .startsWith("ssh-rsa ");
        assertThat(view.instanceType()).isEqualTo("ecs.g7.large");

        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(200)).until(() -> true);
        int afterRun = changes.get();
        ecs.deleteInstances(new DeleteInstancesRequest().setRegionId(REGION).setInstanceId(first).setForce(true));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> changes.get() > afterRun);
        assertThat(emulator.instances()).isEmpty();
        String next = ids(ecs, run("ecs.g7.large", 1)).get(0);
        InstanceView third = emulator.instances().get(0);
        assertThat(third.instanceId()).isEqualTo(next);
        assertThat(third.privateIp()).isEqualTo("127.78.0.3"); // released addresses are not handed out again
        assertThat(third.publicIp()).isNull();
        assertThat(third.keyPairName()).isNull();
        assertThat(third.publicKey()).isNull();

        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(300)).until(() -> true);
        int settled = changes.get();
        failure(() -> ecs.runInstances(run("ecs.g7.large", 1).setImageId("nothere")));
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(300)).until(() -> true);
        assertThat(changes.get()).isEqualTo(settled); // a refused call changes nothing
    }
}
