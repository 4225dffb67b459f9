package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.dryRun;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fastgpu.emulator.aliyun.SecurityGroupRecord.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ECS security groups: CreateSecurityGroup, DescribeSecurityGroups, AuthorizeSecurityGroup,
 * RevokeSecurityGroup, DescribeSecurityGroupAttribute, DeleteSecurityGroup. Groups are basic VPC
 * groups; rules are inbound ({@code ingress}), given either flat ({@code IpProtocol}, ...) or as
 * {@code Permissions.N.*}. Adding a rule that exists already succeeds without adding it again.
 */
final class SecurityGroupActions {
    private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "ICMP", "ICMPV6", "GRE", "ALL");
    private static final Pattern PERMISSION = Pattern.compile("Permissions\\.(\\d+)\\.(\\w+)");
    private static final List<String> RULE_FIELDS = List.of("IpProtocol", "PortRange", "SourceCidrIp",
            "SourceGroupId", "Policy", "Priority", "NicType", "Description");

    private final Cloud cloud;
    private final EmulatorState state;

    SecurityGroupActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    void register(Product ecs) {
        ecs.add("CreateSecurityGroup", this::create);
        ecs.add("DescribeSecurityGroups", this::describe);
        ecs.add("AuthorizeSecurityGroup", this::authorize);
        ecs.add("RevokeSecurityGroup", this::revoke);
        ecs.add("DescribeSecurityGroupAttribute", this::describeAttribute);
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
                description == null ? "" : description, cloud.now(), tags, List.of()));
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
        List<Permission> rules = new ArrayList<>();
        for (Map<String, String> spec : ruleSpecs(req)) {
            rules.add(checkRule(spec, group));
        }
        dryRun(req);
        List<Permission> permissions = new ArrayList<>(group.permissions());
        for (Permission rule : rules) {
            if (permissions.stream().noneMatch(rule::sameRuleAs)) {
                permissions.add(rule);
            }
        }
        state.securityGroups.put(group.securityGroupId(), group.withPermissions(permissions));
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode revoke(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        SecurityGroupRecord group = requireGroup(req, region);
        List<String> ruleIds = Params.indexed(req, "SecurityGroupRuleId");
        List<Permission> rules = new ArrayList<>();
        if (ruleIds.isEmpty()) {
            for (Map<String, String> spec : ruleSpecs(req)) {
                rules.add(checkRule(spec, group));
            }
        }
        dryRun(req);
        List<Permission> permissions = new ArrayList<>(group.permissions());
        permissions.removeIf(p -> ruleIds.contains(p.securityGroupRuleId()) || rules.stream().anyMatch(p::sameRuleAs));
        state.securityGroups.put(group.securityGroupId(), group.withPermissions(permissions));
        cloud.changed();
        return JSON.createObjectNode();
    }

    /**
     * The rules of the call: {@code Permissions.N.*} entries, or the flat parameters as one rule;
     * giving both is a conflict, as the API documents.
     */
    private static List<Map<String, String>> ruleSpecs(ApiRequest req) {
        TreeMap<Integer, Map<String, String>> indexed = new TreeMap<>();
        req.params().forEach((k, v) -> {
            Matcher m = PERMISSION.matcher(k);
            if (m.matches() && !v.isEmpty()) {
                indexed.computeIfAbsent(Integer.parseInt(m.group(1)), n -> new TreeMap<>()).put(m.group(2), v);
            }
        });
        Map<String, String> flat = new TreeMap<>();
        for (String field : RULE_FIELDS) {
            if (req.param(field) != null) {
                flat.put(field, req.param(field));
            }
        }
        boolean flatRule = flat.containsKey("IpProtocol") || flat.containsKey("PortRange")
                || flat.containsKey("SourceCidrIp") || flat.containsKey("SourceGroupId");
        if (!indexed.isEmpty() && flatRule) {
            throw new ApiError(400, "InvalidParameter.Conflict",
                    "The parameters with the Permissions.N prefix and the ones without it cannot be specified together.");
        }
        return indexed.isEmpty() ? List.of(flat) : new ArrayList<>(indexed.values());
    }

    private Permission checkRule(Map<String, String> spec, SecurityGroupRecord group) {
        String protocolParam = spec.get("IpProtocol");
        if (protocolParam == null) {
            throw ApiError.missingParameter("IpProtocol");
        }
        String portRange = spec.get("PortRange");
        if (portRange == null) {
            throw ApiError.missingParameter("PortRange");
        }
        String protocol = protocolParam.toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw operationDenied();
        }
        int[] ports = ports(portRange);
        boolean withPorts = protocol.equals("TCP") || protocol.equals("UDP");
        if (withPorts ? ports[0] < 1 || ports[1] > 65535 || ports[0] > ports[1] : ports[0] != -1 || ports[1] != -1) {
            throw operationDenied();
        }
        String cidr = spec.get("SourceCidrIp");
        String sourceGroup = spec.get("SourceGroupId");
        if (cidr == null && sourceGroup == null) {
            throw new ApiError(403, "MissingParameter",
                    "The input parameter \"SourceGroupId\" or \"SourceCidrIp\" cannot be both blank.");
        }
        if (cidr != null && Cidr.parse(cidr) == null && Cidr.parseAddress(cidr) == null) {
            throw new ApiError(400, "InvalidSourceCidrIp.Malformed", "The specified parameter \"SourceCidrIp\" is not valid.");
        }
        if (sourceGroup != null) {
            SecurityGroupRecord source = state.securityGroups.get(sourceGroup);
            if (source == null || !source.regionId().equals(group.regionId())) {
                throw new ApiError(404, "InvalidSourceGroupId.NotFound",
                        "The SourceGroupId provided does not exist in our records.");
            }
        }
        String policy = spec.getOrDefault("Policy", "accept").toLowerCase(Locale.ROOT);
        if (!policy.equals("accept") && !policy.equals("drop")) {
            throw new ApiError(400, "InvalidPolicy.Malformed", "The specified parameter \"Policy\" is not valid.");
        }
        String priority = spec.getOrDefault("Priority", "1");
        if (!priority.matches("\\d{1,3}") || Integer.parseInt(priority) < 1 || Integer.parseInt(priority) > 100) {
            throw new ApiError(400, "InvalidPriority.Malformed", "The specified parameter \"Priority\" is not valid.");
        }
        String nicType = spec.getOrDefault("NicType", "intranet");
        if (!nicType.equals("intranet") && !nicType.equals("internet")) {
            throw new ApiError(400, "InvalidNicType.ValueNotSupported", "The specified NicType does not exist.");
        }
        return new Permission(cloud.newId("sgr-", 20, id -> false), "ingress", protocol, ports[0] + "/" + ports[1],
                cidr, sourceGroup, policy.equals("accept") ? "Accept" : "Drop", String.valueOf(Integer.parseInt(priority)),
                nicType, spec.getOrDefault("Description", ""), cloud.now());
    }

    private static int[] ports(String portRange) {
        String[] parts = portRange.split("/", -1);
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new ApiError(400, "InvalidIpProtocol.Malformed", "The specified parameter \"PortRange\" is not valid.");
    }

    private static ApiError operationDenied() {
        return new ApiError(400, "OperationDenied",
                "The specified IpProtocol does not exist or IpProtocol and PortRange do not match.");
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
                .put("InnerAccessPolicy", "Accept");
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
