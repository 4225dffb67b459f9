package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.dryRun;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ECS API (version 2014-05-26) actions that create, list and rename instances: RunInstances
 * (its checks are {@link RunInstancesValidation}), DescribeInstances (rendered by
 * {@link InstanceRenderer}), ModifyInstanceAttribute and DescribeInstanceRamRole (DescribeInstances, like the
 * cloud's, does not show an instance's RAM role). Starting, stopping and releasing are
 * {@link InstanceStateActions}.
 */
final class InstanceActions {
    private final Cloud cloud;
    private final EmulatorState state;
    private final RunInstancesValidation validation;
    private final InstanceRenderer renderer;

    InstanceActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
        this.validation = new RunInstancesValidation(cloud);
        this.renderer = new InstanceRenderer(cloud);
    }

    void register(Product ecs) {
        ecs.add("RunInstances", this::runInstances);
        ecs.add("DescribeInstances", this::describeInstances);
        ecs.add("ModifyInstanceAttribute", this::modifyInstanceAttribute);
        ecs.add("DescribeInstanceRamRole", this::describeInstanceRamRole);
    }

    private ObjectNode runInstances(ApiRequest req) {
        RunInstancesValidation.Launch launch = validation.validate(req);
        dryRun(req);
        String now = cloud.now();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putObject("InstanceIdSets").putArray("InstanceIdSet");
        for (int n = 0; n < launch.amount(); n++) {
            String id = cloud.newId("i-", 20, state.instances::containsKey);
            String name = launch.names() == null ? id : launch.names().get(n);
            String host = launch.hostNames() == null ? "iZ" + id.substring(2) + "Z"
                    : launch.hostNames().get(n).replace("${instance_id}", id);
            String[] addresses = cloud.allocateAddresses(launch.vSwitch(), launch.bandwidthOut() > 0);
            state.put(new InstanceRecord(id, launch.region().regionId(), launch.vSwitch().zoneId(), name, host,
                    req.params().getOrDefault("Description", ""), launch.type().instanceTypeId(), launch.image().imageId(),
                    launch.vSwitch().vpcId(), launch.vSwitch().vSwitchId(), launch.group().securityGroupId(),
                    launch.keyPairName(), launch.bandwidthOut(), launch.spotStrategy(), launch.spotPriceLimit(),
                    launch.systemDiskSize(), launch.dataDisks(), launch.tags(), addresses[0], addresses[1], now,
                    InstanceStateMachine.PENDING, now, null, launch.ramRoleName()));
            ids.add(id);
        }
        double unit = launch.spotStrategy().equals("NoSpot") ? cloud.hourlyPrice(launch.type())
                : cloud.spotPrice(launch.type());
        body.put("TradePrice", Cloud.round(unit * launch.amount()));
        cloud.changed();
        return body;
    }

    private ObjectNode describeInstances(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        Instant now = cloud.clock.instant();
        Set<String> ids = Params.jsonStringArray(req, "InstanceIds", 100);
        Set<String> privateIps = Params.jsonStringArray(req, "PrivateIpAddresses", 100);
        Set<String> publicIps = Params.jsonStringArray(req, "PublicIpAddresses", 100);
        String name = req.param("InstanceName");
        Pattern namePattern = name == null ? null : Params.glob(name);
        Map<String, String> exact = new LinkedHashMap<>();
        for (String p : List.of("Status", "ZoneId", "InstanceType", "InstanceTypeFamily", "VpcId", "VSwitchId",
                "SecurityGroupId", "KeyPairName", "ImageId")) {
            if (req.param(p) != null) {
                exact.put(p, req.param(p));
            }
        }
        List<Tag> tagFilters = Params.tagFilters(req);

        List<InstanceRecord> matches = new ArrayList<>();
        for (InstanceRecord i : state.instances.values()) {
            if (i.regionId().equals(region.regionId())
                    && (ids == null || ids.contains(i.instanceId()))
                    && (privateIps == null || privateIps.contains(i.privateIp()))
                    && (publicIps == null || publicIps.contains(i.publicIp()))
                    && (namePattern == null || namePattern.matcher(i.instanceName()).matches())
                    && exact.entrySet().stream().allMatch(e -> e.getValue().equals(field(i, e.getKey(), now)))
                    && Params.matchesTags(i.tags(), tagFilters)) {
                matches.add(i);
            }
        }

        ObjectNode body = JSON.createObjectNode();
        boolean tokenPaging = req.params().containsKey("NextToken") || req.params().containsKey("MaxResults");
        List<InstanceRecord> page = tokenPaging ? Params.tokenPage(req, body, matches, 10, 100)
                : Params.page(req, body, matches, 100);
        if (tokenPaging) {
            body.put("TotalCount", matches.size());
        }
        ArrayNode list = body.putObject("Instances").putArray("Instance");
        page.forEach(i -> list.add(renderer.render(i, now)));
        return body;
    }

    private String field(InstanceRecord i, String filter, Instant now) {
        return switch (filter) {
            case "Status" -> cloud.lifecycle.statusAt(i, now);
            case "ZoneId" -> i.zoneId();
            case "InstanceType" -> i.instanceType();
            case "InstanceTypeFamily" -> InstanceRenderer.family(i.instanceType());
            case "VpcId" -> i.vpcId();
            case "VSwitchId" -> i.vSwitchId();
            case "SecurityGroupId" -> i.securityGroupId();
            case "KeyPairName" -> i.keyPairName();
            case "ImageId" -> i.imageId();
            default -> throw new IllegalArgumentException(filter);
        };
    }

    /** The instance RAM roles of the instances named ({@code InstanceIds}) or of those with a role ({@code RamRoleName}). */
    private ObjectNode describeInstanceRamRole(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        Set<String> ids = Params.jsonStringArray(req, "InstanceIds", 100);
        String role = req.param("RamRoleName");
        if (ids == null && role == null) {
            throw ApiError.missingParameter("InstanceIds");
        }
        List<InstanceRecord> matches = new ArrayList<>();
        for (InstanceRecord i : state.instances.values()) {
            if (i.regionId().equals(region.regionId()) && i.ramRoleName() != null
                    && (ids == null || ids.contains(i.instanceId())) && (role == null || role.equals(i.ramRoleName()))) {
                matches.add(i);
            }
        }
        ObjectNode body = JSON.createObjectNode().put("RegionId", region.regionId());
        ArrayNode sets = body.putObject("InstanceRamRoleSets").putArray("InstanceRamRoleSet");
        Params.page(req, body, matches, 50)
                .forEach(i -> sets.addObject().put("InstanceId", i.instanceId()).put("RamRoleName", i.ramRoleName()));
        return body;
    }

    /** Renames an instance (InstanceName, HostName) or changes its Description. */
    private ObjectNode modifyInstanceAttribute(ApiRequest req) {
        String id = require(req, "InstanceId");
        InstanceRecord i = state.instance(id);
        if (i == null) {
            throw ApiError.instanceNotFound();
        }
        String name = req.param("InstanceName");
        if (name != null && !Names.validInstanceName(name)) {
            throw new ApiError(400, "InvalidInstanceName.Malformed", "The specified parameter \"InstanceName\" is not valid.");
        }
        String host = req.param("HostName");
        if (host != null && !Names.validHostName(host)) {
            throw new ApiError(400, "InvalidHostName.Malformed", "The specified parameter \"HostName\" is not valid.");
        }
        String description = req.param("Description");
        state.put(i.withAttributes(name == null ? i.instanceName() : name, host == null ? i.hostName() : host,
                description == null ? i.description() : description));
        cloud.changed();
        return JSON.createObjectNode();
    }
}
