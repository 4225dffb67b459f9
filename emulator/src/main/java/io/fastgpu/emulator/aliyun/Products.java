package io.fastgpu.emulator.aliyun;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI products the emulator serves (ECS, VPC, NAS), each with the actions it answers. */
final class Products {
    /** The ECS API version, sent by the SDK in {@code x-acs-version}. */
    static final String ECS_VERSION = "2014-05-26";

    private Products() {}

    /** The products by API version, their actions bound to {@code cloud}. */
    static Map<String, Product> create(Cloud cloud, NasFolders nasFolders) {
        Product ecs = new Product("Ecs", ECS_VERSION, req -> ecsHostId(cloud, req));
        new RegionActions(cloud).register(ecs);
        new InstanceActions(cloud).register(ecs);
        new InstanceStateActions(cloud).register(ecs);
        new SecurityGroupActions(cloud).register(ecs);
        new KeyPairActions(cloud).register(ecs);
        new CatalogActions(cloud).register(ecs);
        new TagActions(cloud, false).register(ecs);
        Product vpc = new Product("Vpc", VpcActions.VERSION, VpcActions::hostId);
        new VpcActions(cloud).register(vpc);
        new TagActions(cloud, true).register(vpc);
        Product nas = new Product("NAS", NasActions.VERSION, NasActions::hostId);
        new NasActions(cloud, nasFolders).register(nas);
        Map<String, Product> byVersion = new LinkedHashMap<>();
        for (Product p : List.of(ecs, vpc, nas)) {
            byVersion.put(p.version, p);
        }
        return byVersion;
    }

    /** Host part of ECS error bodies, as the cloud names the regional endpoint. */
    private static String ecsHostId(Cloud cloud, ApiRequest req) {
        String region = req.param("RegionId");
        return region != null && cloud.regions.containsKey(region) ? "ecs." + region + ".aliyuncs.com"
                : "ecs.aliyuncs.com";
    }
}
