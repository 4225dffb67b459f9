package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.dryRun;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The VPC API (version 2016-04-28): CreateVpc, DescribeVpcs, DeleteVpc, CreateVSwitch,
 * DescribeVSwitches, DeleteVSwitch, with the VPC API's own error codes and messages (which differ
 * from ECS' for the same situations). New VPCs and vSwitches are Pending for
 * {@link EmulatorConfig#networkLatency}, then Available.
 */
final class VpcActions {
    /** The VPC API version. */
    static final String VERSION = "2016-04-28";
    /** The private ranges a VPC block must lie in, as CreateVpc documents. */
    private static final List<Cidr> PRIVATE_RANGES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"));

    private final Cloud cloud;
    private final EmulatorState state;

    VpcActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    void register(Product vpc) {
        vpc.add("CreateVpc", this::createVpc);
        vpc.add("DescribeVpcs", this::describeVpcs);
        vpc.add("DeleteVpc", this::deleteVpc);
        vpc.add("CreateVSwitch", this::createVSwitch);
        vpc.add("DescribeVSwitches", this::describeVSwitches);
        vpc.add("DeleteVSwitch", this::deleteVSwitch);
    }

    /** The VPC API's region check (its message differs from ECS'). */
    static EmulatorConfig.RegionSpec requireRegion(Cloud cloud, ApiRequest req) {
        String id = req.param("RegionId");
        if (id == null) {
            throw missingParameter();
        }
        EmulatorConfig.RegionSpec region = cloud.regions.get(id);
        if (region == null) {
            throw new ApiError(404, "InvalidRegionId.NotFound", "Specified value of \"regionId\" is not supported.");
        }
        return region;
    }

    private static ApiError missingParameter() {
        return new ApiError(400, "MissingParameter", "Miss mandatory parameter.");
    }

    private static String require(ApiRequest req, String name) {
        String value = req.param(name);
        if (value == null) {
            throw missingParameter();
        }
        return value;
    }

    static ApiError vpcNotFound() {
        return new ApiError(404, "InvalidVpcId.NotFound", "Specified VPC does not exist.");
    }

    /** Host part of error bodies. */
    static String hostId(ApiRequest req) {
        return "vpc.aliyuncs.com";
    }

    // ---------------------------------------------------------------- VPCs

    private ObjectNode createVpc(ApiRequest req) {
        EmulatorConfig.RegionSpec region = requireRegion(cloud, req);
        String block = req.param("CidrBlock") == null ? "172.16.0.0/12" : req.param("CidrBlock");
        Cidr cidr = Cidr.parse(block);
        if (cidr == null || cidr.prefix() < 8 || cidr.prefix() > 24
                || PRIVATE_RANGES.stream().noneMatch(r -> r.contains(cidr))) {
            throw new ApiError(400, "InvalidParameter", "Specified CIDR block is not valid");
        }
        String name = req.param("VpcName");
        if (name != null && !Names.validResourceName(name)) {
            throw new ApiError(400, "InvalidVpcName.Malformed", "Specified VPC name is not valid.");
        }
        String description = req.param("Description");
        if (description != null && (description.length() < 2 || description.length() > 256)) {
            throw new ApiError(400, "InvalidVpcDiscription.Malformed", "Specified VPC description is not valid.");
        }
        dryRun(req);
        String id = cloud.newId("vpc-", 20, state.vpcs::containsKey);
        VpcRecord vpc = new VpcRecord(id, region.regionId(), name == null ? "" : name,
                description == null ? "" : description, cidr.toString(), cloud.newId("vrt-", 20, x -> false),
                cloud.newId("vtb-", 20, x -> false), cloud.now(), List.of());
        state.vpcs.put(id, vpc);
        cloud.changed();
        return JSON.createObjectNode()
                .put("VpcId", id)
                .put("VRouterId", vpc.vRouterId())
                .put("RouteTableId", vpc.routeTableId())
                .put("ResourceGroupId", "");
    }

    /** Filters: VpcId (comma-separated, up to 20), VpcName, Tag.N.Key / Tag.N.Value; PageSize up to 50. */
    private ObjectNode describeVpcs(ApiRequest req) {
        EmulatorConfig.RegionSpec region = requireRegion(cloud, req);
        Set<String> ids = Params.commaList(req, "VpcId");
        if (ids != null && ids.size() > 20) {
            throw new ApiError(400, "InvalidParameter", "Specified value of VpcId is not valid.");
        }
        String name = req.param("VpcName");
        List<Tag> tagFilters = Params.tagFilters(req);
        List<VpcRecord> matches = new ArrayList<>();
        for (VpcRecord v : state.vpcs.values()) {
            if (v.regionId().equals(region.regionId()) && (ids == null || ids.contains(v.vpcId()))
                    && (name == null || name.equals(v.vpcName())) && !Params.boolParam(req, "IsDefault")
                    && Params.matchesTags(v.tags(), tagFilters)) {
                matches.add(v);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        List<VpcRecord> page = Params.page(req, body, matches, 50);
        ArrayNode list = body.putObject("Vpcs").putArray("Vpc");
        for (VpcRecord v : page) {
            ObjectNode o = list.addObject()
                    .put("VpcId", v.vpcId())
                    .put("RegionId", v.regionId())
                    .put("Status", cloud.networkStatus(v.creationTime()))
                    .put("VpcName", v.vpcName())
                    .put("Description", v.description())
                    .put("CidrBlock", v.cidrBlock())
                    .put("VRouterId", v.vRouterId())
                    .put("CreationTime", Params.seconds(v.creationTime()))
                    .put("IsDefault", false)
                    .put("ResourceGroupId", "")
                    .put("Ipv6CidrBlock", "")
                    .put("CenStatus", "Detached")
                    .put("DhcpOptionsSetStatus", "");
            ArrayNode vSwitches = o.putObject("VSwitchIds").putArray("VSwitchId");
            state.vSwitches.values().stream().filter(s -> s.vpcId().equals(v.vpcId()))
                    .forEach(s -> vSwitches.add(s.vSwitchId()));
            o.putObject("RouterTableIds").putArray("RouterTableIds").add(v.routeTableId());
            o.putObject("UserCidrs").putArray("UserCidr");
            o.putObject("NatGatewayIds").putArray("NatGatewayIds");
            o.putObject("SecondaryCidrBlocks").putArray("SecondaryCidrBlock");
            Params.renderTags(o, v.tags(), "Key", "Value");
        }
        return body;
    }

    /** Refused while the VPC is Pending or still holds vSwitches, instances or security groups. */
    private ObjectNode deleteVpc(ApiRequest req) {
        EmulatorConfig.RegionSpec region = requireRegion(cloud, req);
        String id = require(req, "VpcId");
        VpcRecord vpc = state.vpcs.get(id);
        if (vpc == null || !vpc.regionId().equals(region.regionId())) {
            throw vpcNotFound();
        }
        if (!cloud.ready(vpc.creationTime())) {
            throw new ApiError(400, "IncorrectVpcStatus", "Current VPC status does not support this operation.");
        }
        if (state.vSwitches.values().stream().anyMatch(s -> s.vpcId().equals(id))) {
            throw new ApiError(400, "DependencyViolation.VSwitch", "Specified object has dependent resources");
        }
        if (state.instances.values().stream().anyMatch(i -> id.equals(i.vpcId()))) {
            throw new ApiError(400, "DependencyViolation.Instance", "Specified object has dependent resources");
        }
        if (state.securityGroups.values().stream().anyMatch(g -> id.equals(g.vpcId()))) {
            throw new ApiError(400, "DependencyViolation.SecurityGroup",
                    "Specified object has dependent resources SecurityGroup.");
        }
        dryRun(req);
        state.vpcs.remove(id);
        cloud.changed();
        return JSON.createObjectNode();
    }

    // ---------------------------------------------------------------- vSwitches

    private ObjectNode createVSwitch(ApiRequest req) {
        EmulatorConfig.RegionSpec region = requireRegion(cloud, req);
        String vpcId = require(req, "VpcId");
        String zoneId = require(req, "ZoneId");
        String block = require(req, "CidrBlock");
        String name = req.param("VSwitchName");
        if (name != null && !Names.validResourceName(name)) {
            throw new ApiError(400, "InvalidVSwitchName.Malformed", "Specified virtual switch name is not valid.");
        }
        String description = req.param("Description");
        if (description != null && (description.length() < 2 || description.length() > 256)) {
            throw new ApiError(400, "InvalidVSwitchDiscription.Malformed", "Specified virtual switch description is not valid.");
        }
        if (cloud.zone(region.regionId(), zoneId) == null) {
            throw new ApiError(404, "InvalidZoneId.NotFound", "Specified zone does not exist.");
        }
        VpcRecord vpc = state.vpcs.get(vpcId);
        if (vpc == null || !vpc.regionId().equals(region.regionId())) {
            throw vpcNotFound();
        }
        if (!cloud.ready(vpc.creationTime())) {
            throw new ApiError(400, "IncorrectVpcStatus", "Current VPC status does not support this operation.");
        }
        Cidr cidr = Cidr.parse(block);
        if (cidr == null) {
            throw new ApiError(400, "InvalidCidrBlock.Malformed", "Specified CIDR block is not valid.");
        }
        if (cidr.prefix() < 16 || cidr.prefix() > 29) {
            throw new ApiError(400, "InvalidCirdrBlock.MaskLength", "Specified CIDR block is not valid .");
        }
        if (!Cidr.parse(vpc.cidrBlock()).contains(cidr)) {
            throw new ApiError(400, "InvalidParameter", "Specified CIDR block is not valid in VPC.");
        }
        boolean overlaps = state.vSwitches.values().stream()
                .anyMatch(s -> s.vpcId().equals(vpcId) && Cidr.parse(s.cidrBlock()).overlaps(cidr));
        if (overlaps) {
            throw new ApiError(400, "InvalidCidrBlock.Overlapped", "Specified CIDR block overlapped with other subnets.");
        }
        String id = cloud.newId("vsw-", 20, state.vSwitches::containsKey);
        state.vSwitches.put(id, new VSwitchRecord(id, region.regionId(), vpcId, zoneId, name == null ? "" : name,
                description == null ? "" : description, cidr.toString(), cloud.now(), List.of()));
        cloud.changed();
        return JSON.createObjectNode().put("VSwitchId", id);
    }

    /** Filters: VpcId, ZoneId, VSwitchId (comma-separated), VSwitchName; PageSize up to 50. */
    private ObjectNode describeVSwitches(ApiRequest req) {
        String vpcId = req.param("VpcId");
        String regionId;
        if (req.param("RegionId") != null || vpcId == null) {
            regionId = requireRegion(cloud, req).regionId();
        } else {
            VpcRecord vpc = state.vpcs.get(vpcId);
            regionId = vpc == null ? null : vpc.regionId();
        }
        Set<String> ids = Params.commaList(req, "VSwitchId");
        String zoneId = req.param("ZoneId");
        String name = req.param("VSwitchName");
        List<Tag> tagFilters = Params.tagFilters(req);
        List<VSwitchRecord> matches = new ArrayList<>();
        for (VSwitchRecord s : state.vSwitches.values()) {
            if (s.regionId().equals(regionId) && (vpcId == null || vpcId.equals(s.vpcId()))
                    && (ids == null || ids.contains(s.vSwitchId())) && (zoneId == null || zoneId.equals(s.zoneId()))
                    && (name == null || name.equals(s.vSwitchName())) && !Params.boolParam(req, "IsDefault")
                    && Params.matchesTags(s.tags(), tagFilters)) {
                matches.add(s);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        List<VSwitchRecord> page = Params.page(req, body, matches, 50);
        ArrayNode list = body.putObject("VSwitches").putArray("VSwitch");
        for (VSwitchRecord s : page) {
            VpcRecord vpc = state.vpcs.get(s.vpcId());
            ObjectNode o = list.addObject()
                    .put("VSwitchId", s.vSwitchId())
                    .put("VpcId", s.vpcId())
                    .put("Status", cloud.networkStatus(s.creationTime()))
                    .put("CidrBlock", s.cidrBlock())
                    .put("ZoneId", s.zoneId())
                    .put("AvailableIpAddressCount", cloud.freeAddresses(s))
                    .put("Description", s.description())
                    .put("VSwitchName", s.vSwitchName())
                    .put("CreationTime", Params.seconds(s.creationTime()))
                    .put("IsDefault", false)
                    .put("ResourceGroupId", "")
                    .put("NetworkAclId", "")
                    .put("Ipv6CidrBlock", "");
            o.putObject("RouteTable").put("RouteTableId", vpc == null ? "" : vpc.routeTableId())
                    .put("RouteTableType", "System");
            Params.renderTags(o, s.tags(), "Key", "Value");
        }
        return body;
    }

    /** Refused while Pending or while instances or NAS mount targets use the vSwitch. */
    private ObjectNode deleteVSwitch(ApiRequest req) {
        String id = require(req, "VSwitchId");
        VSwitchRecord s = state.vSwitches.get(id);
        String region = req.param("RegionId");
        if (s == null || (region != null && !region.equals(s.regionId()))) {
            throw new ApiError(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.");
        }
        if (!cloud.ready(s.creationTime())) {
            throw new ApiError(400, "IncorrectVSwitchStatus",
                    "The current virtual switch status does not support this operation.");
        }
        boolean used = state.instances.values().stream().anyMatch(i -> id.equals(i.vSwitchId()))
                || state.mountTargets.values().stream().anyMatch(m -> id.equals(m.vSwitchId()));
        if (used) {
            throw new ApiError(400, "DependencyViolation", "Specified object has dependent resources.");
        }
        state.vSwitches.remove(id);
        cloud.changed();
        return JSON.createObjectNode();
    }
}
