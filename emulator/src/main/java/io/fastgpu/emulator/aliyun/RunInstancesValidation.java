package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.boolParam;
import static io.fastgpu.emulator.aliyun.Params.intParam;
import static io.fastgpu.emulator.aliyun.Params.require;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RunInstances' checks: its parameters, the resources they name (image, type, security group,
 * vSwitch, zone, key pair) and the room left (stock, quota, spot price, addresses), in the order the
 * cloud reports the errors, before anything is created.
 */
final class RunInstancesValidation {
    private static final Set<String> SPOT_STRATEGIES = Set.of("NoSpot", "SpotAsPriceGo", "SpotWithPriceLimit");
    private static final Pattern DATA_DISK_SIZE = Pattern.compile("DataDisk\\.(\\d+)\\.Size");

    /** The checked parameters of one RunInstances call; names and host names are null when not given. */
    record Launch(EmulatorConfig.RegionSpec region, EmulatorConfig.ImageSpec image,
            EmulatorConfig.InstanceTypeSpec type, SecurityGroupRecord group, VSwitchRecord vSwitch, String keyPairName,
            int amount, List<String> names, List<String> hostNames, String spotStrategy, Double spotPriceLimit,
            int bandwidthOut, int systemDiskSize, List<Integer> dataDisks, List<Tag> tags, String ramRoleName) {}

    private final Cloud cloud;
    private final EmulatorState state;

    RunInstancesValidation(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    /** Every check RunInstances makes before creating anything, in the order the errors surface. */
    Launch validate(ApiRequest req) {
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
            throw new ApiError(400, "InvalidParameter.Mismatch",
                    "Specified virtual switch is not in the specified zone.");
        }
        if (!group.vpcId().equals(vSwitch.vpcId())) {
            throw new ApiError(403, "OperationDenied.InconsistentNetwork",
                    "The specified security group and vswitch are not in the same vpc.");
        }
        if (!cloud.ready(vSwitch.creationTime())) {
            throw new ApiError(400, "IncorrectVSwitchStatus",
                    "The current status of vSwitch does not support this operation.");
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
                    "The requested resource is sold out in the specified zone; try other types of resources"
                            + " or other regions and zones.");
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
        String ramRoleName = req.param("RamRoleName");
        if (ramRoleName != null && !cloud.config.instanceRoles().contains(ramRoleName)) {
            throw new ApiError(404, "InvalidRamRole.NotFound", "The specified parameter \"RAMRoleName\" does not exist.");
        }
        return new Launch(region, image, type, group, vSwitch, keyPairName, amount, names, hostNames, spotStrategy,
                spotPriceLimit, bandwidthOut == null ? 0 : bandwidthOut, systemDiskSize, dataDisks, tags, ramRoleName);
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
                        ? new ApiError(400, "InvalidHostName.Malformed",
                                "The specified parameter \"HostName\" is not valid.")
                        : new ApiError(400, "InvalidInstanceName.Malformed",
                                "The specified parameter \"InstanceName\" is not valid.");
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
            throw new ApiError(400, "InstanceDiskNumber.LimitExceed",
                    "The total number of specified disk in an instance exceeds.");
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
                    "The specified DataDisk.n.Size beyond the permitted range, or the capacity of snapshot exceeds"
                            + " the size limit of the specified disk category.");
        }
        return sizes;
    }
}
