package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static io.fastgpu.emulator.aliyun.EmulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest.AuthorizeSecurityGroupRequestPermissions;
import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DeleteSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeResponseBody;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeResponseBody.DescribeSecurityGroupAttributeResponseBodyPermissionsPermission;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupsRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupsResponseBody;
import com.aliyun.ecs20140526.models.ModifySecurityGroupPolicyRequest;
import com.aliyun.ecs20140526.models.RevokeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Security groups and their inbound rules through the official ECS SDK. */
class SecurityGroupsTest {
    private AliyunEmulator emulator;
    private Client ecs;
    private String vpcId;

    @BeforeEach
    void start() throws Exception {
        emulator = new AliyunEmulator(EmulatorFixture.config().build()).start();
        ecs = EmulatorFixture.client(emulator);
        vpcId = EmulatorFixture.vpcClient(emulator).createVpc(new CreateVpcRequest().setRegionId(REGION)
                .setCidrBlock("192.168.0.0/16")).getBody().getVpcId();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private String group(String name) throws Exception {
        return ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION).setVpcId(vpcId)
                .setSecurityGroupName(name).setDescription("for " + name)
                .setTag(List.of(new CreateSecurityGroupRequest.CreateSecurityGroupRequestTag().setKey("fastgpu:job")
                        .setValue(name)))).getBody().getSecurityGroupId();
    }

    private List<DescribeSecurityGroupAttributeResponseBodyPermissionsPermission> rules(String groupId) throws Exception {
        return ecs.describeSecurityGroupAttribute(new DescribeSecurityGroupAttributeRequest().setRegionId(REGION)
                .setSecurityGroupId(groupId)).getBody().getPermissions().getPermission();
    }

    @Test
    void createsAndFindsGroupsByVpcNameIdsAndTags() throws Exception {
        String a = group("train-a");
        String b = group("train-b");
        String c = group("serve");
        assertThat(a).matches("sg-[a-z0-9]{20}");

        DescribeSecurityGroupsResponseBody byVpc = ecs.describeSecurityGroups(new DescribeSecurityGroupsRequest()
                .setRegionId(REGION).setVpcId(vpcId)).getBody();
        assertThat(byVpc.getTotalCount()).isEqualTo(3);
        DescribeSecurityGroupsResponseBody.DescribeSecurityGroupsResponseBodySecurityGroupsSecurityGroup first =
                byVpc.getSecurityGroups().getSecurityGroup().get(0);
        assertThat(first.getSecurityGroupName()).isEqualTo("train-a");
        assertThat(first.getDescription()).isEqualTo("for train-a");
        assertThat(first.getVpcId()).isEqualTo(vpcId);
        assertThat(first.getSecurityGroupType()).isEqualTo("normal");
        assertThat(first.getTags().getTag()).extracting(t -> t.getTagKey() + "=" + t.getTagValue())
                .containsExactly("fastgpu:job=train-a");

        assertThat(ecs.describeSecurityGroups(new DescribeSecurityGroupsRequest().setRegionId(REGION)
                .setSecurityGroupName("serve")).getBody().getSecurityGroups().getSecurityGroup())
                .extracting(g -> g.getSecurityGroupId()).containsExactly(c);
        assertThat(ecs.describeSecurityGroups(new DescribeSecurityGroupsRequest().setRegionId(REGION)
                .setSecurityGroupIds("[\"" + b + "\",\"" + c + "\"]")).getBody().getTotalCount()).isEqualTo(2);
        assertThat(ecs.describeSecurityGroups(new DescribeSecurityGroupsRequest().setRegionId(REGION)
                .setTag(List.of(new DescribeSecurityGroupsRequest.DescribeSecurityGroupsRequestTag().setKey("fastgpu:job")
                        .setValue("train-b")))).getBody().getSecurityGroups().getSecurityGroup())
                .extracting(g -> g.getSecurityGroupId()).containsExactly(b);
        DescribeSecurityGroupsResponseBody page = ecs.describeSecurityGroups(new DescribeSecurityGroupsRequest()
                .setRegionId(REGION).setPageNumber(2).setPageSize(2)).getBody();
        assertThat(page.getSecurityGroups().getSecurityGroup()).extracting(g -> g.getSecurityGroupId())
                .containsExactly(c);
    }

    @Test
    void authorizesFlatAndPermissionsFormsAndRevokes() throws Exception {
        String group = group("train");
        String peers = group("peers");

        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setIpProtocol("tcp").setPortRange("22/22").setSourceCidrIp("0.0.0.0/0").setDescription("ssh"));
        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setPermissions(List.of(
                        new AuthorizeSecurityGroupRequestPermissions().setIpProtocol("ALL").setPortRange("-1/-1")
                                .setSourceGroupId(peers),
                        new AuthorizeSecurityGroupRequestPermissions().setIpProtocol("TCP").setPortRange("8000/8100")
                                .setSourceCidrIp("10.0.0.0/8").setPolicy("drop").setPriority("5"))));
        // The same rule again is accepted and not added twice.
        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setIpProtocol("TCP").setPortRange("22/22").setSourceCidrIp("0.0.0.0/0"));

        DescribeSecurityGroupAttributeResponseBody attribute = ecs.describeSecurityGroupAttribute(
                new DescribeSecurityGroupAttributeRequest().setRegionId(REGION).setSecurityGroupId(group)).getBody();
        assertThat(attribute.getSecurityGroupName()).isEqualTo("train");
        assertThat(attribute.getVpcId()).isEqualTo(vpcId);
        assertThat(attribute.getPermissions().getPermission()).extracting(p -> p.getIpProtocol() + " "
                        + p.getPortRange() + " " + p.getSourceCidrIp() + "|" + p.getSourceGroupId() + " " + p.getPolicy() + " "
                        + p.getPriority() + " " + p.getDirection() + " " + p.getNicType())
                .containsExactly(
                        "TCP 22/22 0.0.0.0/0| Accept 1 ingress intranet",
                        "ALL -1/-1 |" + peers + " Accept 1 ingress intranet",
                        "TCP 8000/8100 10.0.0.0/8| Drop 5 ingress intranet");
        assertThat(attribute.getPermissions().getPermission().get(0).getSecurityGroupRuleId()).startsWith("sgr-");
        assertThat(attribute.getPermissions().getPermission().get(0).getDescription()).isEqualTo("ssh");

        ecs.revokeSecurityGroup(new RevokeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setIpProtocol("tcp").setPortRange("22/22").setSourceCidrIp("0.0.0.0/0"));
        String ruleId = rules(group).get(1).getSecurityGroupRuleId();
        ecs.revokeSecurityGroup(new RevokeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setSecurityGroupRuleId(List.of(ruleId)));
        assertThat(rules(group)).extracting(p -> p.getIpProtocol() + " " + p.getSourceGroupId())
                .containsExactly("ALL " + peers);

        // Referenced by another group's rule: not deletable until revoked.
        TeaException referenced = failure(() -> ecs.deleteSecurityGroup(new DeleteSecurityGroupRequest()
                .setRegionId(REGION).setSecurityGroupId(peers)));
        assertThat(referenced.getCode()).isEqualTo("DependencyViolation");
        assertThat(referenced.getStatusCode()).isEqualTo(403);
        ecs.revokeSecurityGroup(new RevokeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setIpProtocol("all").setPortRange("-1/-1").setSourceGroupId(peers));
        ecs.deleteSecurityGroup(new DeleteSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(peers));
    }

    @Test
    void refusesMalformedRules() throws Exception {
        String group = group("train");
        AuthorizeSecurityGroupRequest ssh = new AuthorizeSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(group).setIpProtocol("TCP").setPortRange("22/22").setSourceCidrIp("0.0.0.0/0");

        TeaException protocol = failure(() -> ecs.authorizeSecurityGroup(ssh.setIpProtocol("SCTP")));
        assertThat(protocol.getCode()).isEqualTo("InvalidIpProtocol.ValueNotSupported");
        assertThat(protocol.getMessage()).contains("TCP, UDP, ICMP, GRE or All");
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setIpProtocol("ICMP").setPortRange("22/22"))).getCode())
                .isEqualTo("OperationDenied");
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setIpProtocol("TCP").setPortRange("22-23"))).getCode())
                .isEqualTo("InvalidIpProtocol.Malformed");
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setPortRange("0/70000"))).getCode())
                .isEqualTo("OperationDenied");
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setPortRange("22/22").setSourceCidrIp("10.0.0/8")))
                .getCode()).isEqualTo("InvalidSourceCidrIp.Malformed");
        TeaException noSource = failure(() -> ecs.authorizeSecurityGroup(ssh.setSourceCidrIp(null)));
        assertThat(noSource.getCode()).isEqualTo("MissingParameter");
        assertThat(noSource.getStatusCode()).isEqualTo(403);
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setSourceGroupId("sg-nothere"))).getCode())
                .isEqualTo("InvalidSourceGroupId.NotFound");
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setSourceGroupId(null).setSourceCidrIp("0.0.0.0/0")
                .setPolicy("maybe"))).getCode()).isEqualTo("InvalidPolicy.Malformed");
        assertThat(failure(() -> ecs.authorizeSecurityGroup(ssh.setPolicy(null).setPermissions(List.of(
                new AuthorizeSecurityGroupRequestPermissions().setIpProtocol("UDP").setPortRange("53/53")
                        .setSourceCidrIp("10.0.0.0/8"))))).getCode()).isEqualTo("InvalidParameter.Conflict");
        TeaException unknown = failure(() -> ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest()
                .setRegionId(REGION).setSecurityGroupId("sg-nothere").setIpProtocol("TCP").setPortRange("22/22")
                .setSourceCidrIp("0.0.0.0/0")));
        assertThat(unknown.getCode()).isEqualTo("InvalidSecurityGroupId.NotFound");
        assertThat(unknown.getStatusCode()).isEqualTo(404);
        TeaException priority = failure(() -> ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest()
                .setRegionId(REGION).setSecurityGroupId(group).setIpProtocol("TCP").setPortRange("22/22")
                .setSourceCidrIp("0.0.0.0/0").setPriority("101")));
        assertThat(priority.getCode()).isEqualTo("InvalidPriority.Malformed");
        assertThat(priority.getMessage()).contains("The parameter Priority is invalid.");
        assertThat(rules(group)).isEmpty();
    }

    @Test
    void revokeWordsItsErrorsAsTheReferenceDoes() throws Exception {
        String group = group("train");
        RevokeSecurityGroupRequest ssh = new RevokeSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(group).setIpProtocol("TCP").setPortRange("22/22").setSourceCidrIp("0.0.0.0/0");

        TeaException protocol = failure(() -> ecs.revokeSecurityGroup(ssh.setIpProtocol("SCTP")));
        assertThat(protocol.getCode()).isEqualTo("InvalidIpProtocol.ValueNotSupported");
        assertThat(protocol.getMessage()).contains("The specified IpProtocol does not exist.");
        assertThat(failure(() -> ecs.revokeSecurityGroup(ssh.setIpProtocol("TCP").setPortRange("22-23"))).getCode())
                .isEqualTo("InvalidIpPortRange.Malformed");
        assertThat(failure(() -> ecs.revokeSecurityGroup(ssh.setPortRange("-1/-1"))).getCode())
                .isEqualTo("InvalidIpPortRange.Malformed");
        TeaException noSource = failure(() -> ecs.revokeSecurityGroup(ssh.setPortRange("22/22").setSourceCidrIp(null)));
        assertThat(noSource.getCode()).isEqualTo("MissingParameter");
        assertThat(noSource.getStatusCode()).isEqualTo(400);
        assertThat(failure(() -> ecs.revokeSecurityGroup(new RevokeSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId("sg-nothere").setIpProtocol("TCP").setPortRange("22/22")
                .setSourceCidrIp("0.0.0.0/0"))).getCode()).isEqualTo("InvalidSecurityGroupId.NotFound");
        // Revoking a rule the group does not have succeeds and changes nothing.
        ecs.revokeSecurityGroup(ssh.setSourceCidrIp("203.0.113.9/32"));
        assertThat(rules(group)).isEmpty();
    }

    @Test
    void aSourceGroupMustShareTheVpcAndTheInternalNetwork() throws Exception {
        String group = group("train");
        String otherVpc = EmulatorFixture.vpcClient(emulator).createVpc(new CreateVpcRequest().setRegionId(REGION)
                .setCidrBlock("10.0.0.0/8")).getBody().getVpcId();
        String elsewhere = ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION)
                .setVpcId(otherVpc).setSecurityGroupName("elsewhere")).getBody().getSecurityGroupId();
        AuthorizeSecurityGroupRequest all = new AuthorizeSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(group).setIpProtocol("all").setPortRange("-1/-1");

        TeaException vpc = failure(() -> ecs.authorizeSecurityGroup(all.setSourceGroupId(elsewhere)));
        assertThat(vpc.getCode()).isEqualTo("InvalidSourceGroupId.Mismatch");
        assertThat(vpc.getStatusCode()).isEqualTo(400);
        TeaException nic = failure(() -> ecs.authorizeSecurityGroup(all.setSourceGroupId(group).setNicType("internet")));
        assertThat(nic.getCode()).isEqualTo("InvalidSourceGroupId.Mismatch");
        assertThat(nic.getStatusCode()).isEqualTo(403);

        ecs.authorizeSecurityGroup(all.setNicType(null)); // the group's own machines reach each other
        assertThat(rules(group)).extracting(r -> r.getSourceGroupId()).containsExactly(group);
    }

    @Test
    void setsTheInternalAccessPolicy() throws Exception {
        String group = group("train");
        DescribeSecurityGroupAttributeRequest describe = new DescribeSecurityGroupAttributeRequest()
                .setRegionId(REGION).setSecurityGroupId(group);
        assertThat(ecs.describeSecurityGroupAttribute(describe).getBody().getInnerAccessPolicy()).isEqualTo("Accept");

        ecs.modifySecurityGroupPolicy(new ModifySecurityGroupPolicyRequest().setRegionId(REGION)
                .setSecurityGroupId(group).setInnerAccessPolicy("drop"));
        assertThat(ecs.describeSecurityGroupAttribute(describe).getBody().getInnerAccessPolicy()).isEqualTo("Drop");

        assertThat(failure(() -> ecs.modifySecurityGroupPolicy(new ModifySecurityGroupPolicyRequest()
                .setRegionId(REGION).setSecurityGroupId(group).setInnerAccessPolicy("Maybe"))).getCode())
                .isEqualTo("InvalidParameter");
        assertThat(failure(() -> ecs.modifySecurityGroupPolicy(new ModifySecurityGroupPolicyRequest()
                .setRegionId(REGION).setSecurityGroupId("sg-nothere").setInnerAccessPolicy("Accept"))).getCode())
                .isEqualTo("InvalidSecurityGroupId.NotFound");
    }

    @Test
    void holdsAtMostTwoHundredRules() throws Exception {
        String group = group("train");
        for (int batch = 0; batch < 200; batch += 100) { // at most 100 rules a call
            List<AuthorizeSecurityGroupRequestPermissions> rules = new java.util.ArrayList<>();
            for (int port = batch + 1; port <= batch + 100; port++) {
                rules.add(new AuthorizeSecurityGroupRequestPermissions().setIpProtocol("TCP")
                        .setPortRange(port + "/" + port).setSourceCidrIp("10.0.0.0/8"));
            }
            ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION)
                    .setSecurityGroupId(group).setPermissions(rules));
        }
        TeaException full = failure(() -> ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest()
                .setRegionId(REGION).setSecurityGroupId(group).setIpProtocol("TCP").setPortRange("443/443")
                .setSourceCidrIp("10.0.0.0/8")));
        assertThat(full.getCode()).isEqualTo("AuthorizationLimitExceed");
        assertThat(full.getStatusCode()).isEqualTo(403);
        assertThat(rules(group)).hasSize(200);
    }

    @Test
    void createAndDeleteErrors() throws Exception {
        assertThat(failure(() -> ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION)))
                .getCode()).isEqualTo("InvalidVpcId.NotFound");
        TeaException noVpc = failure(() -> ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION)
                .setVpcId("vpc-nothere")));
        assertThat(noVpc.getCode()).isEqualTo("InvalidVpcId.NotFound");
        assertThat(noVpc.getStatusCode()).isEqualTo(404);
        assertThat(failure(() -> ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION)
                .setVpcId(vpcId).setSecurityGroupName("1-starts-with-a-digit"))).getCode())
                .isEqualTo("InvalidSecurityGroupName.Malformed");
        assertThat(failure(() -> ecs.deleteSecurityGroup(new DeleteSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId("sg-nothere"))).getCode()).isEqualTo("InvalidSecurityGroup.NotFound");

        EmulatorFixture.Network net = EmulatorFixture.network(emulator);
        ecs.runInstances(new RunInstancesRequest().setRegionId(REGION).setImageId(EmulatorFixture.IMAGE)
                .setInstanceType("ecs.g7.large").setSecurityGroupId(net.securityGroupId()).setVSwitchId(net.vSwitchId()));
        TeaException inUse = failure(() -> ecs.deleteSecurityGroup(new DeleteSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(net.securityGroupId())));
        assertThat(inUse.getCode()).isEqualTo("DependencyViolation");
        assertThat(inUse.getMessage()).contains("There is still instance(s) in the specified security group.");
    }
}
