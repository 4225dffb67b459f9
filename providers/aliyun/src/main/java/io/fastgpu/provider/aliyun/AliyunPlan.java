package io.fastgpu.provider.aliyun;

import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link CreationPlanner} decided for a launch, carried to {@link InstanceCreator} in the plan's details (so a
 * dry run prints it, and creating needs no state kept from the check): the region, for each machine its instance
 * type, image and zones to try in order, and the SSH rules to add for the launching machine before buying.
 *
 * @param machines by instance name
 * @param openSsh  by VPC name, the address block to open SSH (22/tcp) to in its security group
 */
record AliyunPlan(String region, Map<String, Machine> machines, Map<String, String> openSsh) {
    /** One machine's choices. */
    record Machine(String instanceType, String imageId, List<String> zones) {
        Machine {
            zones = List.copyOf(zones);
            if (zones.isEmpty()) throw new IllegalArgumentException("zones must not be empty");
        }
    }

    static final String REGION = "region";
    private static final String TYPE = "instance_type:";
    private static final String IMAGE = "image:";
    private static final String ZONES = "zones:";
    private static final String OPEN_SSH = "open_ssh:";

    AliyunPlan {
        machines = Map.copyOf(machines);
        openSsh = Map.copyOf(openSsh);
    }

    /** The plan's details: {@code region=cn-hangzhou}, {@code zones:task0.job=cn-hangzhou-h,cn-hangzhou-i}, ... */
    Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(REGION, region);
        machines.forEach((name, m) -> {
            d.put(TYPE + name, m.instanceType());
            d.put(IMAGE + name, m.imageId());
            d.put(ZONES + name, String.join(",", m.zones()));
        });
        openSsh.forEach((vpc, cidr) -> d.put(OPEN_SSH + vpc, cidr));
        return d;
    }

    /** The decisions a plan carries; empty when it lacks some (a plan not made by {@link CreationPlanner}). */
    static Optional<AliyunPlan> from(CreatePlan plan) {
        Map<String, String> d = plan.details();
        String region = d.get(REGION);
        if (region == null || region.isBlank()) return Optional.empty();
        Map<String, Machine> machines = new LinkedHashMap<>();
        for (CreateRequest r : plan.requests()) {
            String type = d.get(TYPE + r.name());
            String image = d.get(IMAGE + r.name());
            String zones = d.get(ZONES + r.name());
            if (type == null || image == null || zones == null || zones.isBlank()) return Optional.empty();
            machines.put(r.name(), new Machine(type, image, Arrays.stream(zones.split(",")).map(String::strip).toList()));
        }
        Map<String, String> open = new LinkedHashMap<>();
        d.forEach((k, v) -> {
            if (k.startsWith(OPEN_SSH)) open.put(k.substring(OPEN_SSH.length()), v);
        });
        return Optional.of(new AliyunPlan(region, machines, open));
    }
}
