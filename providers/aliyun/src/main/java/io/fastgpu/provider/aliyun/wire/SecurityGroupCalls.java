package io.fastgpu.provider.aliyun.wire;

import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupsRequest;
import com.aliyun.ecs20140526.models.RevokeSecurityGroupRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Security groups and their inbound rules. */
public final class SecurityGroupCalls {
    /**
     * An inbound rule: traffic of {@code protocol} ({@code tcp}, {@code all}, ...) to {@code portRange} ({@code 22/22},
     * {@code -1/-1} for all) from {@code sourceCidr} or from the machines of {@code sourceGroupId} (the other one empty).
     *
     * @param policy {@code accept} or {@code drop}
     */
    public record Rule(String protocol, String portRange, String sourceCidr, String sourceGroupId, String policy, String description) {
        public Rule {
            sourceCidr = InstanceCalls.nz(sourceCidr);
            sourceGroupId = InstanceCalls.nz(sourceGroupId);
            policy = policy == null || policy.isBlank() ? "accept" : policy;
            description = InstanceCalls.nz(description);
        }

        /** SSH (22/tcp) from {@code cidr}. */
        public static Rule ssh(String cidr, String description) { return new Rule("tcp", "22/22", cidr, "", "accept", description); }

        /** Everything from the machines of {@code groupId}. */
        public static Rule allFromGroup(String groupId, String description) {
            return new Rule("all", "-1/-1", "", groupId, "accept", description);
        }
    }

    private final CloudApi api;

    public SecurityGroupCalls(CloudApi api) { this.api = api; }

    /** The id of the group named {@code name} in {@code vpcId}, when there is one. */
    public Optional<String> named(String vpcId, String name) {
        var body = api.call("DescribeSecurityGroups", () -> api.ecs().describeSecurityGroups(new DescribeSecurityGroupsRequest()
                .setRegionId(api.region()).setVpcId(vpcId).setSecurityGroupName(name).setPageSize(50))).getBody();
        var list = body.getSecurityGroups() == null ? null : body.getSecurityGroups().getSecurityGroup();
        if (list == null) return Optional.empty();
        return list.stream().filter(g -> name.equals(g.getSecurityGroupName())).map(g -> g.getSecurityGroupId()).findFirst();
    }

    public String create(String vpcId, String name, String description, java.util.Map<String, String> tags) {
        List<CreateSecurityGroupRequest.CreateSecurityGroupRequestTag> t = new ArrayList<>();
        tags.forEach((k, v) -> t.add(new CreateSecurityGroupRequest.CreateSecurityGroupRequestTag().setKey(k).setValue(v)));
        return api.call("CreateSecurityGroup", () -> api.ecs().createSecurityGroup(new CreateSecurityGroupRequest()
                .setRegionId(api.region()).setVpcId(vpcId).setSecurityGroupName(name)
                .setDescription(description).setTag(t))).getBody().getSecurityGroupId();
    }

    /** The group's inbound rules. */
    public List<Rule> ingress(String groupId) {
        var body = api.call("DescribeSecurityGroupAttribute", () -> api.ecs().describeSecurityGroupAttribute(
                new DescribeSecurityGroupAttributeRequest().setRegionId(api.region()).setSecurityGroupId(groupId)
                        .setDirection("ingress"))).getBody();
        List<Rule> rules = new ArrayList<>();
        if (body.getPermissions() == null || body.getPermissions().getPermission() == null) return rules;
        for (var p : body.getPermissions().getPermission()) {
            if (p.getDirection() != null && !p.getDirection().isBlank() && !"ingress".equalsIgnoreCase(p.getDirection())) continue;
            rules.add(new Rule(InstanceCalls.nz(p.getIpProtocol()), InstanceCalls.nz(p.getPortRange()), p.getSourceCidrIp(),
                    p.getSourceGroupId(), p.getPolicy(), p.getDescription()));
        }
        return rules;
    }

    /** Adds an inbound rule (adding one the group has already changes nothing). */
    public void authorize(String groupId, Rule rule) {
        AuthorizeSecurityGroupRequest r = new AuthorizeSecurityGroupRequest().setRegionId(api.region()).setSecurityGroupId(groupId)
                .setIpProtocol(rule.protocol()).setPortRange(rule.portRange()).setPolicy(rule.policy());
        if (!rule.sourceCidr().isEmpty()) r.setSourceCidrIp(rule.sourceCidr());
        if (!rule.sourceGroupId().isEmpty()) r.setSourceGroupId(rule.sourceGroupId());
        if (!rule.description().isEmpty()) r.setDescription(rule.description());
        api.call("AuthorizeSecurityGroup", () -> api.ecs().authorizeSecurityGroup(r));
    }

    /** Removes an inbound rule. */
    public void revoke(String groupId, Rule rule) {
        RevokeSecurityGroupRequest r = new RevokeSecurityGroupRequest().setRegionId(api.region()).setSecurityGroupId(groupId)
                .setIpProtocol(rule.protocol()).setPortRange(rule.portRange());
        if (!rule.sourceCidr().isEmpty()) r.setSourceCidrIp(rule.sourceCidr());
        if (!rule.sourceGroupId().isEmpty()) r.setSourceGroupId(rule.sourceGroupId());
        api.call("RevokeSecurityGroup", () -> api.ecs().revokeSecurityGroup(r));
    }
}
