package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ECS regions, zones and stock: DescribeRegions, DescribeZones and DescribeAvailableResource,
 * from the configured regions and the zones' remaining capacity.
 */
final class RegionActions {
    private final Cloud cloud;

    RegionActions(Cloud cloud) {
        this.cloud = cloud;
    }

    void register(Product ecs) {
        ecs.add("DescribeRegions", this::describeRegions);
        ecs.add("DescribeZones", this::describeZones);
        ecs.add("DescribeAvailableResource", this::describeAvailableResource);
    }

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
}
