package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static io.fastgpu.emulator.aliyun.EmulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DeleteSecurityGroupRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.vpc20160428.Client;
import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import com.aliyun.vpc20160428.models.CreateVpcResponseBody;
import com.aliyun.vpc20160428.models.DeleteVSwitchRequest;
import com.aliyun.vpc20160428.models.DeleteVpcRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchesRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchesResponseBody;
import com.aliyun.vpc20160428.models.DescribeVpcsRequest;
import com.aliyun.vpc20160428.models.DescribeVpcsResponseBody;
import com.aliyun.vpc20160428.models.ListTagResourcesRequest;
import com.aliyun.vpc20160428.models.TagResourcesRequest;
import com.aliyun.vpc20160428.models.UnTagResourcesRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VPCs and vSwitches through the official VPC SDK (2016-04-28), served by the same endpoint as ECS. */
class VpcTest {
    private AliyunEmulator emulator;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client start(EmulatorConfig.Builder config) throws Exception {
        emulator = new AliyunEmulator(config.build()).start();
        return EmulatorFixture.vpcClient(emulator);
    }

    private static String createVpc(Client vpc, String cidr, String name) throws Exception {
        return vpc.createVpc(new CreateVpcRequest().setRegionId(REGION).setCidrBlock(cidr).setVpcName(name))
                .getBody().getVpcId();
    }

    private static CreateVSwitchRequest vSwitch(String vpcId, String cidr) {
        return new CreateVSwitchRequest().setRegionId(REGION).setVpcId(vpcId).setZoneId("cn-hangzhou-h")
                .setCidrBlock(cidr);
    }

    @Test
    void createsDescribesAndDeletesVpcsAndVSwitches() throws Exception {
        Client vpc = start(EmulatorFixture.config());

        CreateVpcResponseBody created = vpc.createVpc(new CreateVpcRequest().setRegionId(REGION)
                .setCidrBlock("10.0.0.0/8").setVpcName("train")).getBody();
        assertThat(created.getRequestId()).isNotBlank();
        assertThat(created.getVpcId()).matches("vpc-[a-z0-9]{20}");
        assertThat(created.getVRouterId()).startsWith("vrt-");
        assertThat(created.getRouteTableId()).startsWith("vtb-");
        String other = createVpc(vpc, "172.16.0.0/12", "other");
        String defaulted = vpc.createVpc(new CreateVpcRequest().setRegionId(REGION)).getBody().getVpcId();

        String vsw = vpc.createVSwitch(vSwitch(created.getVpcId(), "10.1.0.0/16").setVSwitchName("train-h"))
                .getBody().getVSwitchId();
        assertThat(vsw).matches("vsw-[a-z0-9]{20}");

        DescribeVpcsResponseBody byName = vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION)
                .setVpcName("train")).getBody();
        assertThat(byName.getTotalCount()).isEqualTo(1);
        DescribeVpcsResponseBody.DescribeVpcsResponseBodyVpcsVpc v = byName.getVpcs().getVpc().get(0);
        assertThat(v.getVpcId()).isEqualTo(created.getVpcId());
        assertThat(v.getStatus()).isEqualTo("Available");
        assertThat(v.getCidrBlock()).isEqualTo("10.0.0.0/8");
        assertThat(v.getVRouterId()).isEqualTo(created.getVRouterId());
        assertThat(v.getVSwitchIds().getVSwitchId()).containsExactly(vsw);
        assertThat(v.getCreationTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        DescribeVpcsResponseBody byId = vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION)
                .setVpcId(other + "," + defaulted)).getBody();
        assertThat(byId.getVpcs().getVpc()).extracting(x -> x.getVpcId() + " " + x.getCidrBlock())
                .containsExactly(other + " 172.16.0.0/12", defaulted + " 172.16.0.0/12");
        DescribeVpcsResponseBody page2 = vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION)
                .setPageNumber(2).setPageSize(2)).getBody();
        assertThat(page2.getTotalCount()).isEqualTo(3);
        assertThat(page2.getVpcs().getVpc()).extracting(x -> x.getVpcId()).containsExactly(defaulted);

        DescribeVSwitchesResponseBody.DescribeVSwitchesResponseBodyVSwitchesVSwitch s = vpc.describeVSwitches(
                new DescribeVSwitchesRequest().setRegionId(REGION).setVpcId(created.getVpcId())).getBody()
                .getVSwitches().getVSwitch().get(0);
        assertThat(s.getVSwitchId()).isEqualTo(vsw);
        assertThat(s.getZoneId()).isEqualTo("cn-hangzhou-h");
        assertThat(s.getCidrBlock()).isEqualTo("10.1.0.0/16");
        assertThat(s.getVSwitchName()).isEqualTo("train-h");
        assertThat(s.getStatus()).isEqualTo("Available");
        assertThat(s.getAvailableIpAddressCount()).isEqualTo(65536 - 4);
        assertThat(vpc.describeVSwitches(new DescribeVSwitchesRequest().setRegionId(REGION).setZoneId("cn-hangzhou-i"))
                .getBody().getTotalCount()).isZero();

        vpc.deleteVSwitch(new DeleteVSwitchRequest().setRegionId(REGION).setVSwitchId(vsw));
        vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION).setVpcId(created.getVpcId()));
        assertThat(vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION)).getBody().getTotalCount())
                .isEqualTo(2);
        assertThat(failure(() -> vpc.deleteVSwitch(new DeleteVSwitchRequest().setRegionId(REGION).setVSwitchId(vsw)))
                .getCode()).isEqualTo("InvalidVSwitchId.NotFound");
        TeaException gone = failure(() -> vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION)
                .setVpcId(created.getVpcId())));
        assertThat(gone.getCode()).isEqualTo("InvalidVpcId.NotFound");
        assertThat(gone.getStatusCode()).isEqualTo(404);
        assertThat(gone.getMessage()).contains("Specified VPC does not exist.");
    }

    @Test
    void refusesBadCidrBlocksAsTheVpcApiDoes() throws Exception {
        Client vpc = start(EmulatorFixture.config());
        String vpcId = createVpc(vpc, "192.168.0.0/16", "net");
        vpc.createVSwitch(vSwitch(vpcId, "192.168.1.0/24"));

        TeaException publicBlock = failure(() -> createVpc(vpc, "8.8.0.0/16", "public"));
        assertThat(publicBlock.getCode()).isEqualTo("InvalidParameter");
        assertThat(publicBlock.getStatusCode()).isEqualTo(400);
        assertThat(failure(() -> createVpc(vpc, "10.0.0.0/25", "tiny")).getCode()).isEqualTo("InvalidParameter");
        assertThat(failure(() -> createVpc(vpc, "10.0.0.1/8", "host-bits")).getCode()).isEqualTo("InvalidParameter");
        assertThat(failure(() -> vpc.createVpc(new CreateVpcRequest().setRegionId("mars-1"))).getCode())
                .isEqualTo("InvalidRegionId.NotFound");

        assertThat(failure(() -> vpc.createVSwitch(vSwitch(vpcId, "192.168.1.128/25"))).getCode())
                .isEqualTo("InvalidCidrBlock.Overlapped");
        assertThat(failure(() -> vpc.createVSwitch(vSwitch(vpcId, "192.168.0.0/16"))).getCode())
                .isEqualTo("InvalidCidrBlock.Overlapped");
        TeaException outside = failure(() -> vpc.createVSwitch(vSwitch(vpcId, "10.0.0.0/24")));
        assertThat(outside.getCode()).isEqualTo("InvalidParameter");
        assertThat(outside.getMessage()).contains("Specified CIDR block is not valid in VPC.");
        assertThat(failure(() -> vpc.createVSwitch(vSwitch(vpcId, "192.168.9.0/30"))).getCode())
                .isEqualTo("InvalidCirdrBlock.MaskLength");
        assertThat(failure(() -> vpc.createVSwitch(vSwitch(vpcId, "192.168.300.0/24"))).getCode())
                .isEqualTo("InvalidCidrBlock.Malformed");
        assertThat(failure(() -> vpc.createVSwitch(vSwitch("vpc-nothere", "192.168.2.0/24"))).getCode())
                .isEqualTo("InvalidVpcId.NotFound");
        assertThat(failure(() -> vpc.createVSwitch(vSwitch(vpcId, "192.168.2.0/24").setZoneId("cn-hangzhou-z")))
                .getCode()).isEqualTo("InvalidZoneId.NotFound");
        TeaException missing = failure(() -> vpc.createVSwitch(vSwitch(vpcId, null)));
        assertThat(missing.getCode()).isEqualTo("MissingParameter");
    }

    @Test
    void aVpcWithDependentsCannotBeDeleted() throws Exception {
        Client vpc = start(EmulatorFixture.config());
        EmulatorFixture.Network net = EmulatorFixture.network(emulator);

        TeaException withVSwitch = failure(() -> vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION)
                .setVpcId(net.vpcId())));
        assertThat(withVSwitch.getCode()).isEqualTo("DependencyViolation.VSwitch");
        assertThat(withVSwitch.getStatusCode()).isEqualTo(400);

        vpc.deleteVSwitch(new DeleteVSwitchRequest().setRegionId(REGION).setVSwitchId(net.vSwitchId()));
        assertThat(failure(() -> vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION).setVpcId(net.vpcId())))
                .getCode()).isEqualTo("DependencyViolation.SecurityGroup");

        EmulatorFixture.client(emulator).deleteSecurityGroup(new DeleteSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(net.securityGroupId()));
        vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION).setVpcId(net.vpcId()));
    }

    @Test
    void newNetworksArePendingForTheConfiguredLatency() throws Exception {
        Client vpc = start(EmulatorFixture.config().networkLatency(Duration.ofMillis(600)));
        String vpcId = createVpc(vpc, "192.168.0.0/16", "slow");

        assertThat(vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION)).getBody().getVpcs().getVpc().get(0)
                .getStatus()).isEqualTo("Pending");
        assertThat(failure(() -> vpc.createVSwitch(vSwitch(vpcId, "192.168.1.0/24"))).getCode())
                .isEqualTo("IncorrectVpcStatus");
        assertThat(failure(() -> EmulatorFixture.client(emulator).createSecurityGroup(new CreateSecurityGroupRequest()
                .setRegionId(REGION).setVpcId(vpcId))).getCode()).isEqualTo("IncorrectVpcStatus");
        assertThat(failure(() -> vpc.deleteVpc(new DeleteVpcRequest().setRegionId(REGION).setVpcId(vpcId))).getCode())
                .isEqualTo("IncorrectVpcStatus");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> vpc.describeVpcs(
                new DescribeVpcsRequest().setRegionId(REGION)).getBody().getVpcs().getVpc().get(0).getStatus()
                .equals("Available"));
        String vsw = vpc.createVSwitch(vSwitch(vpcId, "192.168.1.0/24")).getBody().getVSwitchId();
        assertThat(vpc.describeVSwitches(new DescribeVSwitchesRequest().setRegionId(REGION).setVSwitchId(vsw)).getBody()
                .getVSwitches().getVSwitch().get(0).getStatus()).isEqualTo("Pending");
        assertThat(failure(() -> vpc.deleteVSwitch(new DeleteVSwitchRequest().setRegionId(REGION).setVSwitchId(vsw)))
                .getCode()).isEqualTo("IncorrectVSwitchStatus");
    }

    @Test
    void tagsVpcsAndVSwitches() throws Exception {
        Client vpc = start(EmulatorFixture.config());
        String vpcId = createVpc(vpc, "192.168.0.0/16", "tagged");
        String other = createVpc(vpc, "10.0.0.0/8", "untagged");

        vpc.tagResources(new TagResourcesRequest().setRegionId(REGION).setResourceType("VPC")
                .setResourceId(List.of(vpcId))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("fastgpu:job").setValue("a"),
                        new TagResourcesRequest.TagResourcesRequestTag().setKey("owner").setValue("tests"))));

        var listed = vpc.listTagResources(new ListTagResourcesRequest().setRegionId(REGION).setResourceType("VPC")
                .setTag(List.of(new ListTagResourcesRequest.ListTagResourcesRequestTag().setKey("fastgpu:job"))))
                .getBody().getTagResources().getTagResource();
        assertThat(listed).extracting(t -> t.getResourceId() + " " + t.getTagKey() + "=" + t.getTagValue())
                .containsExactly(vpcId + " fastgpu:job=a", vpcId + " owner=tests");
        assertThat(vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION).setVpcId(vpcId)).getBody().getVpcs()
                .getVpc().get(0).getTags().getTag()).extracting(t -> t.getKey() + "=" + t.getValue())
                .containsExactly("fastgpu:job=a", "owner=tests");

        vpc.unTagResources(new UnTagResourcesRequest().setRegionId(REGION).setResourceType("VPC")
                .setResourceId(List.of(vpcId)).setTagKey(List.of("owner")));
        assertThat(vpc.listTagResources(new ListTagResourcesRequest().setRegionId(REGION).setResourceType("VPC")
                .setResourceId(List.of(vpcId, other))).getBody().getTagResources().getTagResource()).hasSize(1);

        assertThat(failure(() -> vpc.tagResources(new TagResourcesRequest().setRegionId(REGION).setResourceType("VPC")
                .setResourceId(List.of("vpc-nothere"))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("k").setValue("v"))))).getCode())
                .isEqualTo("InvalidResourceId.NotFound");
        assertThat(failure(() -> vpc.tagResources(new TagResourcesRequest().setRegionId(REGION).setResourceType("Bucket")
                .setResourceId(List.of(vpcId))
                .setTag(List.of(new TagResourcesRequest.TagResourcesRequestTag().setKey("k").setValue("v"))))).getCode())
                .isEqualTo("InvalidResourceType.NotFound");
    }

    @Test
    void throttlesVpcActionsToo() throws Exception {
        Client vpc = start(EmulatorFixture.config().throttle("DescribeVpcs", 1));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try {
                vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION));
                outcomes.add("ok");
            } catch (TeaException e) {
                outcomes.add(e.getCode() + "/" + e.getStatusCode());
            }
        }
        assertThat(outcomes).contains("ok", "Throttling.User/400");
    }
}
