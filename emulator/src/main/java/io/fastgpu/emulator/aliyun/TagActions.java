package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * TagResources, UntagResources and ListTagResources, for one product: ECS tags instances,
 * security groups and key pairs (by name); VPC tags VPCs and vSwitches (its untag action is spelt
 * {@code UnTagResources}). Other resource types the API documents are accepted but hold no
 * resources here; unknown types are {@code InvalidResourceType.NotFound}.
 */
final class TagActions {
    private static final Set<String> ECS_TYPES = Set.of("instance", "disk", "snapshot", "image", "securitygroup",
            "volume", "eni", "ddh", "ddhcluster", "keypair", "launchtemplate", "reservedinstance", "snapshotpolicy",
            "elasticityassurance", "capacityreservation", "command", "invocation", "activation", "managedinstance");
    private static final Set<String> VPC_TYPES = Set.of("vpc", "vswitch", "routetable", "eip", "vpngateway",
            "natgateway", "commonbandwidthpackage");
    private static final int MAX_RESOURCES = 50;

    /** One taggable resource as this class sees it. */
    private record Resource(String id, List<Tag> tags) {}

    private final Cloud cloud;
    private final EmulatorState state;
    private final boolean vpc;

    /** @param vpc true for the VPC product's tag actions, false for ECS' */
    TagActions(Cloud cloud, boolean vpc) {
        this.cloud = cloud;
        this.state = cloud.state;
        this.vpc = vpc;
    }

    void register(Product product) {
        product.add("TagResources", this::tag);
        product.add(vpc ? "UnTagResources" : "UntagResources", this::untag);
        product.add("ListTagResources", this::list);
    }

    private String requireType(ApiRequest req) {
        String type = Params.require(req, "ResourceType");
        String lower = type.toLowerCase(Locale.ROOT);
        if (!(vpc ? VPC_TYPES : ECS_TYPES).contains(lower)) {
            throw new ApiError(404, "InvalidResourceType.NotFound", "The ResourceType provided does not exist in our records.");
        }
        return lower;
    }

    /** The resources of a type in a region, by id (key pairs: by name). */
    private Map<String, Resource> resources(String type, String regionId) {
        Map<String, Resource> out = new LinkedHashMap<>();
        switch (type) {
            case "instance" -> state.instances.values().stream().filter(i -> i.regionId().equals(regionId))
                    .forEach(i -> out.put(i.instanceId(), new Resource(i.instanceId(), i.tags())));
            case "securitygroup" -> state.securityGroups.values().stream().filter(g -> g.regionId().equals(regionId))
                    .forEach(g -> out.put(g.securityGroupId(), new Resource(g.securityGroupId(), g.tags())));
            case "keypair" -> state.keyPairs.values().stream().filter(k -> k.regionId().equals(regionId))
                    .forEach(k -> out.put(k.keyPairName(), new Resource(k.keyPairName(), k.tags())));
            case "vpc" -> state.vpcs.values().stream().filter(v -> v.regionId().equals(regionId))
                    .forEach(v -> out.put(v.vpcId(), new Resource(v.vpcId(), v.tags())));
            case "vswitch" -> state.vSwitches.values().stream().filter(v -> v.regionId().equals(regionId))
                    .forEach(v -> out.put(v.vSwitchId(), new Resource(v.vSwitchId(), v.tags())));
            default -> { /* a documented type this emulator holds no resources of */ }
        }
        return out;
    }

    private void setTags(String type, String regionId, String id, List<Tag> tags) {
        switch (type) {
            case "instance" -> state.put(state.instance(id).withTags(tags));
            case "securitygroup" -> state.securityGroups.put(id, state.securityGroups.get(id).withTags(tags));
            case "keypair" -> state.put(state.keyPair(regionId, id).withTags(tags));
            case "vpc" -> state.vpcs.put(id, state.vpcs.get(id).withTags(tags));
            case "vswitch" -> state.vSwitches.put(id, state.vSwitches.get(id).withTags(tags));
            default -> throw new IllegalStateException(type);
        }
    }

    /** ResourceId.N, 1 to 50, all existing in the region. */
    private List<Resource> requireResources(ApiRequest req, String type, String regionId) {
        List<String> ids = Params.indexed(req, "ResourceId");
        if (ids.isEmpty()) {
            throw ApiError.missingParameter("ResourceId");
        }
        if (ids.size() > MAX_RESOURCES) {
            throw new ApiError(400, "NumberExceed.ResourceIds", "The ResourceIds parameter's number is exceed , Valid : 50");
        }
        Map<String, Resource> all = resources(type, regionId);
        List<Resource> out = new ArrayList<>();
        for (String id : ids) {
            Resource r = all.get(id);
            if (r == null) {
                throw new ApiError(404, "InvalidResourceId.NotFound", "The specified ResourceIds are not found in our records.");
            }
            out.add(r);
        }
        return out;
    }

    private ObjectNode tag(ApiRequest req) {
        String regionId = requireRegion(req);
        String type = requireType(req);
        List<Tag> tags = Params.givenTags(req);
        if (tags.isEmpty()) {
            throw ApiError.missingParameter("Tag");
        }
        if (tags.size() > Params.MAX_TAGS) {
            throw new ApiError(400, "NumberExceed.Tags", "The Tags parameter's number is exceed , Valid : 20");
        }
        Params.checkTags(tags);
        List<Resource> targets = requireResources(req, type, regionId);
        Map<String, List<Tag>> updated = new LinkedHashMap<>();
        for (Resource r : targets) {
            Map<String, String> merged = new LinkedHashMap<>();
            r.tags().forEach(t -> merged.put(t.key(), t.value()));
            tags.forEach(t -> merged.put(t.key(), t.value()));
            if (merged.size() > Params.MAX_TAGS) {
                throw new ApiError(400, "OperationDenied.QuotaExceed",
                        "The quota of tags on resource is beyond permitted range.");
            }
            updated.put(r.id(), merged.entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue())).toList());
        }
        updated.forEach((id, t) -> setTags(type, regionId, id, t));
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode untag(ApiRequest req) {
        String regionId = requireRegion(req);
        String type = requireType(req);
        List<String> keys = Params.indexed(req, "TagKey");
        if (keys.size() > Params.MAX_TAGS) {
            throw new ApiError(400, "NumberExceed.Tags", "The Tags parameter's number is exceed , Valid : 20");
        }
        boolean all = Params.boolParam(req, "All");
        for (Resource r : requireResources(req, type, regionId)) {
            setTags(type, regionId, r.id(), all ? List.of()
                    : r.tags().stream().filter(t -> !keys.contains(t.key())).toList());
        }
        cloud.changed();
        return JSON.createObjectNode();
    }

    /** By ResourceId.N and/or Tag.N (key, optional value); one entry per resource and tag; tokens of 50. */
    private ObjectNode list(ApiRequest req) {
        String regionId = requireRegion(req);
        String type = requireType(req);
        List<String> ids = Params.indexed(req, "ResourceId");
        if (ids.size() > MAX_RESOURCES) {
            throw new ApiError(400, "NumberExceed.ResourceIds", "The ResourceIds parameter's number is exceed , Valid : 50");
        }
        List<Tag> filters = Params.tagFilters(req);
        List<String[]> rows = new ArrayList<>();
        for (Resource r : resources(type, regionId).values()) {
            if ((ids.isEmpty() || ids.contains(r.id())) && Params.matchesTags(r.tags(), filters)) {
                r.tags().forEach(t -> rows.add(new String[] {r.id(), t.key(), t.value()}));
            }
        }
        ObjectNode body = JSON.createObjectNode();
        List<String[]> page = Params.tokenPage(req, body, rows, 50, 50);
        ArrayNode list = body.putObject("TagResources").putArray("TagResource");
        String shownType = Params.require(req, "ResourceType");
        page.forEach(row -> list.addObject().put("ResourceType", shownType).put("ResourceId", row[0])
                .put("TagKey", row[1]).put("TagValue", row[2]));
        return body;
    }

    private String requireRegion(ApiRequest req) {
        if (vpc) {
            return VpcActions.requireRegion(cloud, req).regionId();
        }
        return cloud.requireRegion(req).regionId();
    }
}
