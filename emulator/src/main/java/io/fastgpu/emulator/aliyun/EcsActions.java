package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.boolParam;
import static io.fastgpu.emulator.aliyun.Params.dryRun;
import static io.fastgpu.emulator.aliyun.Params.indexed;
import static io.fastgpu.emulator.aliyun.Params.intParam;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ECS API (version 2014-05-26) actions on regions, zones and instances, with the request
 * parameter and response field names, error codes and messages of the official API. Security
 * groups, key pairs, the catalogs and tags have their own classes.
 */
final class EcsActions {
    /** The ECS API version, sent by the SDK in {@code x-acs-version}. */
    static final String VERSION = "2014-05-26";

    private static final Set<String> SPOT_STRATEGIES = Set.of("NoSpot", "SpotAsPriceGo", "SpotWithPriceLimit");
    private static final Pattern DATA_DISK_SIZE = Pattern.compile("DataDisk\\.(\\d+)\\.Size");

    private final Cloud cloud;
    private final EmulatorState state;

    EcsActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    void register(Product ecs) {
        ecs.add("DescribeRegions", this::describeRegions);
        ecs.add("DescribeZones", this::describeZones);
        ecs.add("DescribeAvailableResource", this::describeAvailableResource);
        ecs.add("RunInstances", this::runInstances);
        ecs.add("DescribeInstances", this::describeInstances);
        ecs.add("StartInstances", r -> changeStatus(r, true));
        ecs.add("StopInstances", r -> changeStatus(r, false));
        ecs.add("StartInstance", r -> changeOne(r, true));
        ecs.add("StopInstance", r -> changeOne(r, false));
        ecs.add("DeleteInstances", this::deleteInstances);
        ecs.add("DeleteInstance", this::deleteInstance);
        ecs.add("ModifyInstanceAttribute", this::modifyInstanceAttribute);
    }

    /** Host part of error bodies, as the cloud names the regional endpoint. */
    static String hostId(Cloud cloud, ApiRequest req) {
        String region = req.param("RegionId");
        return region != null && cloud.regions.containsKey(region) ? "ecs." + region + ".aliyuncs.com" : "ecs.aliyuncs.com";
    }

    /**
     * Simulates the reclaim of a spot instance: it is stopped at once and carries the
     * {@code Recycling} operation lock (visible in DescribeInstances' OperationLocks), as ECS shows
     * an instance it is taking back; it can then only be deleted.
     */
    void interruptSpotInstance(String instanceId) {
        InstanceRecord instance = state.instance(instanceId);
        if (instance == null) {
            throw new IllegalArgumentException("unknown instance " + instanceId);
        }
        state.put(instance.withStatus(InstanceLifecycle.STOPPED, cloud.now()).withLockReason("Recycling"));
        cloud.changed();
    }

    // ---------------------------------------------------------------- regions, zones, stock

    private ObjectNode describeRegions(ApiRequest req) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putObject("Regions").putArray("Region");
        for (EmulatorConfig.RegionSpec region : cloud.regions.values()) {
            list.addObject()
                    .put("RegionId", region.regionId())
                    .put("LocalName", region.localName())
                    .put("RegionEndpoint", "ecs." + region.regionId() + ".aliyuncs.com")
                    .put("Status", "available");
        }
        return body;
    }

    private ObjectNode describeZones(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putObject("Zones").putArray("Zone");
        for (EmulatorConfig.ZoneSpec zone : region.zones()) {
            ObjectNode z = list.addObject()
                    .put("ZoneId", zone.zoneId())
                    .put("LocalName", zone.localName())
                    .put("ZoneType", "AvailabilityZone");
            ArrayNode types = z.putObject("AvailableInstanceTypes").putArray("InstanceTypes");
            new TreeMap<>(cloud.capacity(zone.zoneId())).forEach((type, cap) -> {
                if (cap > 0) {
                    types.add(type);
                }
            });
            ArrayNode creation = z.putObject("AvailableResourceCreation").putArray("ResourceTypes");
            List.of("Instance", "Disk", "VSwitch").forEach(creation::add);
            ArrayNode disks = z.putObject("AvailableDiskCategories").putArray("DiskCategories");
            List.of("cloud_essd", "cloud_efficiency", "cloud_ssd").forEach(disks::add);
        }
        return body;
    }

    /**
     * Supports {@code DestinationResource} {@code Zone} and {@code InstanceType}: per zone, which
     * instance types have stock ({@code WithStock}) and which are sold out ({@code WithoutStock}).
     */
    private ObjectNode describeAvailableResource(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String destination = require(req, "DestinationResource");
        if (!destination.equals("Zone") && !destination.equals("InstanceType")) {
            throw ApiError.invalidParameter("DestinationResource",
                    "The emulator supports only Zone and InstanceType, not " + destination + ".");
        }
        String zoneFilter = req.param("ZoneId");
        String typeFilter = req.param("InstanceType");
        ObjectNode body = JSON.createObjectNode();
        ArrayNode zones = body.putObject("AvailableZones").putArray("AvailableZone");
        for (EmulatorConfig.ZoneSpec zone : region.zones()) {
            if (zoneFilter != null && !zoneFilter.equals(zone.zoneId())) {
                continue;
            }
            Map<String, Integer> types = new TreeMap<>(cloud.capacity(zone.zoneId()));
            if (typeFilter != null) {
                types.keySet().retainAll(Set.of(typeFilter));
            }
            if (types.isEmpty()) {
                continue; // a zone that does not offer the type is not listed at all
            }
            boolean anyStock = types.keySet().stream().anyMatch(t -> cloud.available(zone.zoneId(), t) > 0);
            ObjectNode z = zones.addObject()
                    .put("RegionId", region.regionId())
                    .put("ZoneId", zone.zoneId())
                    .put("Status", anyStock ? "Available" : "SoldOut")
                    .put("StatusCategory", anyStock ? "WithStock" : "WithoutStock");
            ObjectNode resource = z.putObject("AvailableResources").putArray("AvailableResource").addObject()
                    .put("Type", destination);
            ArrayNode supported = resource.putObject("SupportedResources").putArray("SupportedResource");
            if (destination.equals("Zone")) {
                addSupported(supported, zone.zoneId(), anyStock);
            } else {
                types.keySet().forEach(t -> addSupported(supported, t, cloud.available(zone.zoneId(), t) > 0));
            }
        }
        return body;
    }

    private static void addSupported(ArrayNode supported, String value, boolean withStock) {
        supported.addObject()
                .put("Value", value)
                .put("Status", withStock ? "Available" : "SoldOut")
                .put("StatusCategory", withStock ? "WithStock" : "WithoutStock");
    }

    // ---------------------------------------------------------------- RunInstances

    /** The checked parameters of one RunInstances call. */
    private record Launch(EmulatorConfig.RegionSpec region, EmulatorConfig.ImageSpec image,
            EmulatorConfig.InstanceTypeSpec type, SecurityGroupRecord group, VSwitchRecord vSwitch, String keyPairName,
            int amount, List<String> names, List<String> hostNames, String spotStrategy, Double spotPriceLimit,
            int bandwidthOut, int systemDiskSize, List<Integer> dataDisks, List<Tag> tags) {}

    private ObjectNode runInstances(ApiRequest req) {
        Launch launch = checkLaunch(req);
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
                    InstanceLifecycle.PENDING, now, null));
            ids.add(id);
        }
        double unit = launch.spotStrategy().equals("NoSpot") ? cloud.hourlyPrice(launch.type())
                : cloud.spotPrice(launch.type());
        body.put("TradePrice", Cloud.round(unit * launch.amount()));
        cloud.changed();
        return body;
    }

    /** Every check RunInstances makes before creating anything, in the order the errors surface. */
    private Launch checkLaunch(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String imageId = require(req, "ImageId");
        String typeId = require(req, "InstanceType");
        String groupId = require(req, "SecurityGroupId");
        String vSwitchId = req.param("VSwitchId");
        if (vSwitchId == null) {
            throw new ApiError(400, "InvalidVSwitchId.Necessary", "The VSwitchId is necessary.");
        }
        int amount = intParam(req, "Amount", 1, 1, 100);
        String spotStrategy = req.param("SpotStrategy") == null ? "NoSpot" : req.param("SpotStrategy");
        if (!SPOT_STRATEGIES.contains(spotStrategy)) {
            throw new ApiError(400, "InvalidSpotStrategy", "The specified SpotStrategy is not valid.");
        }
        Double spotPriceLimit = spotStrategy.equals("SpotWithPriceLimit") ? spotPriceLimit(req) : null;
        Integer bandwidthOut = Params.intOrNull(req, "InternetMaxBandwidthOut", 0, 100);
        if (bandwidthOut == null && req.param("InternetMaxBandwidthOut") != null) {
            throw new ApiError(400, "InvalidInternetMaxBandwidthOut.Malformed",
                    "The specified parameter InternetMaxBandwidthOut is not valid.");
        }
        List<Integer> dataDisks = dataDiskSizes(req);
        List<Tag> tags = Params.newTags(req);
        boolean uniqueSuffix = boolParam(req, "UniqueSuffix");
        List<String> names = names(req.param("InstanceName"), amount, uniqueSuffix, false);
        List<String> hostNames = names(req.param("HostName"), amount, uniqueSuffix, true);

        EmulatorConfig.ImageSpec image = cloud.images.get(imageId);
        if (image == null) {
            throw new ApiError(404, "InvalidImageId.NotFound", "The specified ImageId does not exist.");
        }
        int systemDiskSize = systemDiskSize(req, image);
        EmulatorConfig.InstanceTypeSpec type = cloud.instanceTypes.get(typeId);
        if (type == null) {
            throw new ApiError(400, "InvalidInstanceType.ValueNotSupported",
                    "The specified InstanceType does not exist or beyond the permitted range.");
        }
        SecurityGroupRecord group = state.securityGroups.get(groupId);
        if (group == null || !group.regionId().equals(region.regionId())) {
            throw new ApiError(404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.");
        }
        VSwitchRecord vSwitch = state.vSwitches.get(vSwitchId);
        if (vSwitch == null || !vSwitch.regionId().equals(region.regionId())) {
            throw new ApiError(404, "InvalidVSwitchId.NotFound", "Specified virtual switch does not exist.");
        }
        String zoneId = req.param("ZoneId");
        if (zoneId != null && cloud.zone(region.regionId(), zoneId) == null) {
            throw new ApiError(404, "InvalidZoneId.NotFound", "The specified ZoneId does not exist.");
        }
        if (zoneId != null && !zoneId.equals(vSwitch.zoneId())) {
            throw new ApiError(400, "InvalidParameter.Mismatch", "Specified virtual switch is not in the specified zone.");
        }
        if (!group.vpcId().equals(vSwitch.vpcId())) {
            throw new ApiError(403, "OperationDenied.InconsistentNetwork",
                    "The specified security group and vswitch are not in the same vpc.");
        }
        if (!cloud.ready(vSwitch.creationTime())) {
            throw new ApiError(400, "IncorrectVSwitchStatus", "The current status of vSwitch does not support this operation.");
        }
        String keyPairName = req.param("KeyPairName");
        if (keyPairName != null && state.keyPair(region.regionId(), keyPairName) == null) {
            throw new ApiError(404, "InvalidKeyPairName.NotFound",
                    "The specified parameter KeyPairName does not exist in our records.");
        }
        if (!cloud.capacity(vSwitch.zoneId()).containsKey(typeId)) {
            throw new ApiError(403, "InvalidInstanceType.ZoneNotSupported",
                    "The specified zone does not support this instancetype.");
        }
        if (cloud.available(vSwitch.zoneId(), typeId) < amount) {
            throw new ApiError(403, "OperationDenied.NoStock",
                    "The requested resource is sold out in the specified zone; try other types of resources or other regions and zones.");
        }
        long live = state.instances.values().stream().filter(i -> i.regionId().equals(region.regionId())).count();
        if (live + amount > cloud.config.instanceQuota()) {
            throw new ApiError(403, "QuotaExceed.ElasticQuota",
                    "No additional quota is available for the specified ECS instance type.");
        }
        if (spotPriceLimit != null && spotPriceLimit < cloud.spotPrice(type)) {
            throw new ApiError(400, "InvalidSpotPriceLimit.LowerThanPublicPrice",
                    "The specified parameter \"spotPriceLimit\" can't be lower than current public price.");
        }
        if (cloud.freeAddresses(vSwitch) < amount) {
            throw Cloud.noPrivateAddress();
        }
        return new Launch(region, image, type, group, vSwitch, keyPairName, amount, names, hostNames, spotStrategy,
                spotPriceLimit, bandwidthOut == null ? 0 : bandwidthOut, systemDiskSize, dataDisks, tags);
    }

    private static Double spotPriceLimit(ApiRequest req) {
        String value = req.param("SpotPriceLimit");
        if (value == null) {
            return null; // no cap: bid the market price
        }
        try {
            double limit = Double.parseDouble(value);
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new ApiError(400, "InvalidSpotPriceLimit", "The specified SpotPriceLimitis not valid.");
    }

    /** The instance names (or hostnames) of the batch, checked; null when the parameter is absent. */
    private static List<String> names(String value, int amount, boolean uniqueSuffix, boolean host) {
        if (value == null) {
            return null;
        }
        boolean suffixed = uniqueSuffix && amount > 1 && !Names.orderedWithoutSuffix(value);
        if (suffixed && value.length() + 3 > (host ? 64 : 128)) {
            throw host
                    ? new ApiError(403, "InvalidParams.HostnameExceed",
                            "The uniqueSuffix takes three naming places, please shorten your Hostname.")
                    : new ApiError(403, "InvalidParams.InstanceNameExceed",
                            "The uniqueSuffix takes three naming places, please shorten your InstanceName.");
        }
        List<String> names = Names.expand(value, amount, uniqueSuffix);
        for (String name : names) {
            boolean valid = host ? Names.validHostName(name.replace("${instance_id}", "i-placeholder"))
                    : Names.validInstanceName(name);
            if (!valid) {
                throw host
                        ? new ApiError(400, "InvalidHostName.Malformed", "The specified parameter \"HostName\" is not valid.")
                        : new ApiError(400, "InvalidInstanceName.Malformed", "The specified parameter \"InstanceName\" is not valid.");
            }
        }
        return names;
    }

    /** {@code SystemDisk.Size}: 20 to 2048 GiB and at least the image; default the larger of 40 and the image. */
    private static int systemDiskSize(ApiRequest req, EmulatorConfig.ImageSpec image) {
        String value = req.param("SystemDisk.Size");
        if (value == null) {
            return Math.max(40, image.sizeGiB());
        }
        int size;
        try {
            size = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ApiError(404, "InvalidSystemDiskSize", "The specified parameter SystemDisk.Size is invalid.");
        }
        if (size < 20) {
            throw new ApiError(404, "InvalidSystemDiskSize.LessThanMinSize",
                    "The specified parameter SystemDisk.Size is less than the min size.");
        }
        if (size > 2048) {
            throw new ApiError(404, "InvalidSystemDiskSize.MoreThanMaxSize",
                    "The specified SystemDisk.Size parameter exceeds the maximum size.");
        }
        if (size < image.sizeGiB()) {
            throw new ApiError(404, "InvalidSystemDiskSize.LessThanImageSize",
                    "The specified parameter SystemDisk.Size is less than the image size.");
        }
        return size;
    }

    /** {@code DataDisk.N.Size}, N up to 16, each 20 to 32768 GiB. */
    private static List<Integer> dataDiskSizes(ApiRequest req) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        req.params().forEach((k, v) -> {
            Matcher m = DATA_DISK_SIZE.matcher(k);
            if (m.matches() && !v.isEmpty()) {
                byIndex.put(Integer.parseInt(m.group(1)), v);
            }
        });
        if (byIndex.size() > 16) {
            throw new ApiError(400, "InstanceDiskNumber.LimitExceed", "The total number of specified disk in an instance exceeds.");
        }
        List<Integer> sizes = new ArrayList<>();
        for (String value : byIndex.values()) {
            try {
                int size = Integer.parseInt(value.trim());
                if (size >= 20 && size <= 32768) {
                    sizes.add(size);
                    continue;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw new ApiError(400, "InvalidDataDiskSize.ValueNotSupported",
                    "The specified DataDisk.n.Size beyond the permitted range, or the capacity of snapshot exceeds the size limit of the specified disk category.");
        }
        return sizes;
    }

    // ---------------------------------------------------------------- DescribeInstances

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
        page.forEach(i -> list.add(render(i, now)));
        return body;
    }

    private String field(InstanceRecord i, String filter, Instant now) {
        return switch (filter) {
            case "Status" -> cloud.lifecycle.statusAt(i, now);
            case "ZoneId" -> i.zoneId();
            case "InstanceType" -> i.instanceType();
            case "InstanceTypeFamily" -> family(i.instanceType());
            case "VpcId" -> i.vpcId();
            case "VSwitchId" -> i.vSwitchId();
            case "SecurityGroupId" -> i.securityGroupId();
            case "KeyPairName" -> i.keyPairName();
            case "ImageId" -> i.imageId();
            default -> throw new IllegalArgumentException(filter);
        };
    }

    private ObjectNode render(InstanceRecord i, Instant now) {
        EmulatorConfig.InstanceTypeSpec type = cloud.instanceTypes.get(i.instanceType());
        EmulatorConfig.ImageSpec image = cloud.images.get(i.imageId());
        ObjectNode o = JSON.createObjectNode()
                .put("InstanceId", i.instanceId())
                .put("InstanceName", i.instanceName())
                .put("HostName", i.hostName())
                .put("Description", i.description())
                .put("RegionId", i.regionId())
                .put("ZoneId", i.zoneId())
                .put("InstanceType", i.instanceType())
                .put("InstanceTypeFamily", family(i.instanceType()))
                .put("ImageId", i.imageId())
                .put("OSType", "linux")
                .put("Status", cloud.lifecycle.statusAt(i, now))
                .put("CreationTime", Params.minutes(i.creationTime()))
                .put("InstanceChargeType", "PostPaid")
                .put("InternetChargeType", "PayByTraffic")
                .put("InternetMaxBandwidthOut", i.internetMaxBandwidthOut())
                .put("InstanceNetworkType", "vpc")
                .put("SpotStrategy", i.spotStrategy())
                .put("IoOptimized", true);
        if (image != null) {
            o.put("OSName", image.osName()).put("OSNameEn", image.osName());
        }
        if (type != null) {
            o.put("Cpu", type.cpuCoreCount()).put("Memory", (int) Math.round(type.memoryGiB() * 1024))
                    .put("GPUAmount", type.gpuAmount());
            if (type.gpuSpec() != null) {
                o.put("GPUSpec", type.gpuSpec());
            }
        }
        if (i.spotPriceLimit() != null) {
            o.put("SpotPriceLimit", i.spotPriceLimit().floatValue());
        }
        if (i.keyPairName() != null) {
            o.put("KeyPairName", i.keyPairName());
        }
        ArrayNode publicIps = o.putObject("PublicIpAddress").putArray("IpAddress");
        if (i.publicIp() != null) {
            publicIps.add(i.publicIp());
        }
        o.putObject("InnerIpAddress").putArray("IpAddress");
        ObjectNode vpc = o.putObject("VpcAttributes").put("NatIpAddress", "");
        if (i.vpcId() != null) {
            vpc.put("VpcId", i.vpcId());
        }
        if (i.vSwitchId() != null) {
            vpc.put("VSwitchId", i.vSwitchId());
        }
        vpc.putObject("PrivateIpAddress").putArray("IpAddress").add(i.privateIp());
        ArrayNode groups = o.putObject("SecurityGroupIds").putArray("SecurityGroupId");
        if (i.securityGroupId() != null) {
            groups.add(i.securityGroupId());
        }
        Params.renderTags(o, i.tags(), "TagKey", "TagValue");
        ArrayNode locks = o.putObject("OperationLocks").putArray("LockReason");
        if (i.lockReason() != null) {
            locks.addObject().put("LockReason", i.lockReason());
        }
        return o;
    }

    /** {@code ecs.gn7i-c8g1.2xlarge} → {@code ecs.gn7i}. */
    static String family(String type) {
        int dot = type.indexOf('.', type.indexOf('.') + 1);
        String head = dot < 0 ? type : type.substring(0, dot);
        int dash = head.indexOf('-');
        return dash < 0 ? head : head.substring(0, dash);
    }

    // ---------------------------------------------------------------- ModifyInstanceAttribute

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

    // ---------------------------------------------------------------- start, stop, delete

    /**
     * StartInstances / StopInstances. With the default {@code BatchOptimization=AllTogether} any
     * instance that cannot make the transition fails the whole call; with {@code SuccessFirst} each
     * instance gets its own result code.
     */
    private ObjectNode changeStatus(ApiRequest req, boolean start) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        List<String> ids = indexed(req, "InstanceId");
        if (ids.isEmpty()) {
            throw ApiError.missingParameter("InstanceId.1");
        }
        if (ids.size() > 100) {
            throw ApiError.invalidParameter("InstanceId", "At most 100 instances per call.");
        }
        boolean successFirst = "SuccessFirst".equals(req.param("BatchOptimization"));
        Instant now = cloud.clock.instant();
        String required = start ? InstanceLifecycle.STOPPED : InstanceLifecycle.RUNNING;
        Map<String, ApiError> failures = new LinkedHashMap<>();
        for (String id : ids) {
            InstanceRecord i = state.instance(id);
            ApiError error = i == null || !i.regionId().equals(region.regionId()) ? ApiError.instanceNotFound()
                    : !required.equals(cloud.lifecycle.statusAt(i, now)) || i.lockReason() != null
                            ? ApiError.incorrectInstanceStatus() : null;
            if (error != null) {
                if (!successFirst) {
                    throw error;
                }
                failures.put(id, error);
            }
        }
        dryRun(req);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putObject("InstanceResponses").putArray("InstanceResponse");
        for (String id : ids) {
            ObjectNode r = results.addObject().put("InstanceId", id);
            ApiError error = failures.get(id);
            InstanceRecord i = state.instance(id);
            if (error != null) {
                String current = i == null ? "" : cloud.lifecycle.statusAt(i, now);
                r.put("Code", error.code()).put("Message", error.getMessage())
                        .put("PreviousStatus", current).put("CurrentStatus", current);
                continue;
            }
            String next = start ? InstanceLifecycle.STARTING : InstanceLifecycle.STOPPING;
            state.put(i.withStatus(next, now.toString()));
            r.put("Code", "200").put("Message", "success").put("PreviousStatus", required).put("CurrentStatus", next);
        }
        cloud.changed();
        return body;
    }

    /** StartInstance / StopInstance: one instance by id, no region, empty answer. */
    private ObjectNode changeOne(ApiRequest req, boolean start) {
        changeStatus(asBatch(req), start);
        return JSON.createObjectNode();
    }

    private ObjectNode deleteInstances(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        List<String> ids = indexed(req, "InstanceId");
        if (ids.isEmpty()) {
            throw ApiError.missingParameter("InstanceId.1");
        }
        if (ids.size() > 100) {
            throw ApiError.invalidParameter("InstanceId", "At most 100 instances per call.");
        }
        boolean force = boolParam(req, "Force");
        Instant now = cloud.clock.instant();
        for (String id : ids) {
            InstanceRecord i = state.instance(id);
            if (i == null || !i.regionId().equals(region.regionId())) {
                throw ApiError.instanceNotFound();
            }
            // Without Force only a stopped instance may be released (as ECS requires).
            if (!force && !InstanceLifecycle.STOPPED.equals(cloud.lifecycle.statusAt(i, now))) {
                throw ApiError.incorrectInstanceStatus();
            }
        }
        dryRun(req);
        ids.forEach(state.instances::remove);
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode deleteInstance(ApiRequest req) {
        return deleteInstances(asBatch(req));
    }

    /** A single-instance call (InstanceId, no RegionId) rewritten as the batch call it stands for. */
    private ApiRequest asBatch(ApiRequest req) {
        String id = require(req, "InstanceId");
        InstanceRecord i = state.instance(id);
        if (i == null) {
            throw ApiError.instanceNotFound();
        }
        Map<String, String> params = new LinkedHashMap<>(req.params());
        params.put("RegionId", i.regionId());
        params.put("InstanceId.1", id);
        return new ApiRequest(req.method(), req.path(), req.query(), req.headers(), req.body(), params);
    }
}
