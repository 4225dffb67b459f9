package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.dryRun;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fastgpu.emulator.aliyun.SecurityGroupRecord.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ECS security groups: CreateSecurityGroup, DescribeSecurityGroups, AuthorizeSecurityGroup,
 * RevokeSecurityGroup, DescribeSecurityGroupAttribute, ModifySecurityGroupPolicy and
 * DeleteSecurityGroup. Groups are basic VPC groups; rules are inbound ({@code ingress}), given either
 * flat ({@code IpProtocol}, ...) or as {@code Permissions.N.*}. Adding a rule that exists already
 * succeeds without adding it again. What the rules let in is {@link IngressRules}.
 */
final class SecurityGroupActions {
    /** Most inbound and outbound rules a security group holds. */
    private static final int MAX_RULES = 200;

    private final Cloud cloud;
    private final EmulatorState state;
    private final SecurityGroupRuleParser rules;

    SecurityGroupActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
        this.rules = new SecurityGroupRuleParser(cloud);
    }

    void register(Product ecs) {
        ecs.add("CreateSecurityGroup", this::create);
        ecs.add("DescribeSecurityGroups", this::describe);
        ecs.add("AuthorizeSecurityGroup", this::authorize);
        ecs.add("RevokeSecurityGroup", this::revoke);
        ecs.add("DescribeSecurityGroupAttribute", this::describeAttribute);
        ecs.add("ModifySecurityGroupPolicy", this::modifyPolicy);
        ecs.add("DeleteSecurityGroup", this::delete);
    }

    private ObjectNode create(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String name = req.param("SecurityGroupName");
        if (name != null && (!Names.validResourceName(name) || !name.matches("[\\p{L}\\p{N}:_.\\-]+"))) {
            throw new ApiError(400, "InvalidSecurityGroupName.Malformed",
                    "The specified parameter SecurityGroupName is not valid.");
        }
        String description = req.param("Description");
        if (description != null && (description.length() < 2 || description.length() > 256
                || description.startsWith("http://") || description.startsWith("https://"))) {
            throw new ApiError(400, "InvalidDescription.Malformed", "The specified parameter \"Description\" is not valid.");
        }
        String type = req.param("SecurityGroupType");
        if (type != null && !type.equals("normal")) {
            throw new ApiError(400, "InvalidParams.GroupType", "The specified security group type is not valid.");
        }
        List<Tag> tags = Params.newTags(req);
        String vpcId = req.param("VpcId");
        if (vpcId == null) {
            throw new ApiError(403, "InvalidVpcId.NotFound", "The VpcId must not empty when only support vpc vm.");
        }
        VpcRecord vpc = state.vpcs.get(vpcId);
        if (vpc == null || !vpc.regionId().equals(region.regionId())) {
            throw new ApiError(404, "InvalidVpcId.NotFound", "Specified VPC does not exist.");
        }
        if (!cloud.ready(vpc.creationTime())) {
            throw new ApiError(400, "IncorrectVpcStatus", "Current VPC status does not support this operation.");
        }
        dryRun(req);
        String id = cloud.newId("sg-", 20, state.securityGroups::containsKey);
        state.securityGroups.put(id, new SecurityGroupRecord(id, region.regionId(), vpcId, name == null ? "" : name,
                description == null ? "" : description, cloud.now(), tags, List.of(), SecurityGroupRecord.ACCEPT));
        cloud.changed();
        return JSON.createObjectNode().put("SecurityGroupId", id);
    }

    private ObjectNode describe(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        Set<String> ids = Params.jsonStringArray(req, "SecurityGroupIds", 100);
        String id = req.param("SecurityGroupId");
        String vpcId = req.param("VpcId");
        String name = req.param("SecurityGroupName");
        boolean fuzzy = Params.boolParam(req, "FuzzyQuery");
        List<Tag> tagFilters = Params.tagFilters(req);
        List<SecurityGroupRecord> matches = new ArrayList<>();
        for (SecurityGroupRecord g : state.securityGroups.values()) {
            if (g.regionId().equals(region.regionId())
                    && (ids == null || ids.contains(g.securityGroupId()))
                    && (id == null || id.equals(g.securityGroupId()))
                    && (vpcId == null || vpcId.equals(g.vpcId()))
                    && (name == null || (fuzzy ? g.securityGroupName().contains(name) : name.equals(g.securityGroupName())))
                    && Params.matchesTags(g.tags(), tagFilters)) {
                matches.add(g);
            }
        }
        ObjectNode body = JSON.createObjectNode().put("RegionId", region.regionId());
        boolean tokenPaging = req.params().containsKey("NextToken") || req.params().containsKey("MaxResults");
        List<SecurityGroupRecord> page = tokenPaging ? Params.tokenPage(req, body, matches, 10, 100)
                : Params.page(req, body, matches, 50);
        if (tokenPaging) {
            body.put("TotalCount", matches.size());
        }
        ArrayNode list = body.putObject("SecurityGroups").putArray("SecurityGroup");
        for (SecurityGroupRecord g : page) {
            long members = state.instances.values().stream()
                    .filter(i -> g.securityGroupId().equals(i.securityGroupId())).count();
            ObjectNode o = list.addObject()
                    .put("SecurityGroupId", g.securityGroupId())
                    .put("SecurityGroupName", g.securityGroupName())
                    .put("Description", g.description())
                    .put("VpcId", g.vpcId())
                    .put("SecurityGroupType", "normal")
                    .put("CreationTime", Params.seconds(g.creationTime()))
                    .put("EcsCount", members)
                    .put("AvailableInstanceAmount", 2000 - members)
                    .put("ResourceGroupId", "")
                    .put("ServiceManaged", false);
            Params.renderTags(o, g.tags(), "TagKey", "TagValue");
        }
        return body;
    }

    private SecurityGroupRecord requireGroup(ApiRequest req, EmulatorConfig.RegionSpec region) {
        String id = require(req, "SecurityGroupId");
        SecurityGroupRecord g = state.securityGroups.get(id);
        if (g == null || !g.regionId().equals(region.regionId())) {
            throw new ApiError(404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.");
        }
        return g;
    }

    private ObjectNode authorize(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        SecurityGroupRecord group = requireGroup(req, region);
        List<Permission> added = rules.parse(req, group, false);
        List<Permission> permissions = new ArrayList<>(group.permissions());
        for (Permission rule : added) {
            if (permissions.stream().noneMatch(rule::sameRuleAs)) {
                permissions.add(rule);
            }
        }
        if (permissions.size() > MAX_RULES) {
            throw new ApiError(403, "AuthorizationLimitExceed",
                    "The limit of authorization records in the security group reaches.");
        }
        dryRun(req);
        state.securityGroups.put(group.securityGroupId(), group.withPermissions(permissions));
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode revoke(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        SecurityGroupRecord group = requireGroup(req, region);
        List<String> ruleIds = Params.indexed(req, "SecurityGroupRuleId");
        List<Permission> removed = ruleIds.isEmpty() ? rules.parse(req, group, true) : List.of();
        dryRun(req);
        List<Permission> permissions = new ArrayList<>(group.permissions());
        permissions.removeIf(p -> ruleIds.contains(p.securityGroupRuleId()) || removed.stream().anyMatch(p::sameRuleAs));
        state.securityGroups.put(group.securityGroupId(), group.withPermissions(permissions));
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode describeAttribute(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        SecurityGroupRecord g = requireGroup(req, region);
        String direction = req.param("Direction") == null ? "all" : req.param("Direction");
        ObjectNode body = JSON.createObjectNode()
                .put("RegionId", g.regionId())
                .put("SecurityGroupId", g.securityGroupId())
                .put("SecurityGroupName", g.securityGroupName())
                .put("Description", g.description())
                .put("VpcId", g.vpcId())
                .put("InnerAccessPolicy", g.innerAccessPolicy());
        ArrayNode list = body.putObject("Permissions").putArray("Permission");
        for (Permission p : g.permissions()) {
            if (!direction.equals("all") && !direction.equals(p.direction())) {
                continue;
            }
            ObjectNode o = list.addObject()
                    .put("SecurityGroupRuleId", p.securityGroupRuleId())
                    .put("Direction", p.direction())
                    .put("IpProtocol", p.ipProtocol())
                    .put("PortRange", p.portRange())
                    .put("SourceCidrIp", p.sourceCidrIp() == null ? "" : p.sourceCidrIp())
                    .put("SourceGroupId", p.sourceGroupId() == null ? "" : p.sourceGroupId())
                    .put("SourcePortRange", "")
                    .put("DestCidrIp", "")
                    .put("Policy", p.policy())
                    .put("Priority", p.priority())
                    .put("NicType", p.nicType())
                    .put("Description", p.description())
                    .put("CreateTime", Params.seconds(p.createTime()));
            if (p.sourceGroupId() != null && state.securityGroups.containsKey(p.sourceGroupId())) {
                o.put("SourceGroupName", state.securityGroups.get(p.sourceGroupId()).securityGroupName());
            }
        }
        return body;
    }

    /** Sets whether the group's instances reach each other whatever the rules say (Accept) or not (Drop). */
    private ObjectNode modifyPolicy(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        SecurityGroupRecord group = requireGroup(req, region);
        String policy = require(req, "InnerAccessPolicy");
        String canonical = policy.equalsIgnoreCase(SecurityGroupRecord.ACCEPT) ? SecurityGroupRecord.ACCEPT
                : policy.equalsIgnoreCase(SecurityGroupRecord.DROP) ? SecurityGroupRecord.DROP : null;
        if (canonical == null) {
            throw ApiError.invalidParameter("InnerAccessPolicy", "Valid values: Accept, Drop.");
        }
        state.securityGroups.put(group.securityGroupId(), group.withInnerAccessPolicy(canonical));
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode delete(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String id = require(req, "SecurityGroupId");
        SecurityGroupRecord g = state.securityGroups.get(id);
        if (g == null || !g.regionId().equals(region.regionId())) {
            throw new ApiError(404, "InvalidSecurityGroup.NotFound", "The specified security group is not found.");
        }
        if (state.instances.values().stream().anyMatch(i -> id.equals(i.securityGroupId()))) {
            throw new ApiError(403, "DependencyViolation", "There is still instance(s) in the specified security group.");
        }
        boolean referenced = state.securityGroups.values().stream().filter(o -> !o.securityGroupId().equals(id))
                .anyMatch(o -> o.permissions().stream().anyMatch(p -> id.equals(p.sourceGroupId())));
        if (referenced) {
            throw new ApiError(403, "DependencyViolation", "The specified security group has been authorized in another one.");
        }
        state.securityGroups.remove(id);
        cloud.changed();
        return JSON.createObjectNode();
    }
}
