package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a launch before anything is bought, with read-only calls: names the API accepts, the instance type on sale
 * with stock (the zones to try, in order), the image, and whether SSH must be opened to the launching machine. The
 * result is an {@link AliyunPlan} in the {@link CreatePlan}'s details; nothing is kept here.
 */
final class CreationPlanner {
    private final CloudAccess cloud;
    private final CallerAccess caller;

    CreationPlanner(CloudAccess cloud, CallerAccess caller) {
        this.cloud = cloud;
        this.caller = caller;
    }

    /** The same resources in the same zone get the same choices, so they are asked for once per check. */
    private record Wanted(Resources resources, String zone) { }

    CreatePlan validate(List<CreateRequest> requests) {
        if (requests.isEmpty()) return CreatePlan.of(requests);
        checkRequests(requests);
        cloud.api(); // credentials, before anything else
        Map<Wanted, AliyunPlan.Machine> decided = new HashMap<>();
        Map<String, AliyunPlan.Machine> machines = new LinkedHashMap<>();
        Set<String> networks = new LinkedHashSet<>();
        for (CreateRequest r : requests) {
            Wanted w = new Wanted(r.resources(), r.zone().isEmpty() ? cloud.settings().zone() : r.zone());
            machines.put(r.name(), decided.computeIfAbsent(w, this::choose));
            networks.add(vpcName(r));
        }
        AliyunPlan plan = new AliyunPlan(cloud.region(), machines, caller.plan(networks));
        return new CreatePlan(requests, plan.details());
    }

    /**
     * The decisions to carry out for {@code plan}: those it carries, after the checks that cost no call; or, for a plan
     * made elsewhere ({@link CreatePlan#of}), those of a check made now.
     */
    AliyunPlan decisions(CreatePlan plan) {
        Optional<AliyunPlan> carried = AliyunPlan.from(plan);
        if (carried.isEmpty()) return AliyunPlan.from(validate(plan.requests())).orElseThrow();
        if (!carried.get().region().equals(cloud.region())) {
            throw new FastGpuException("this launch was checked for region " + carried.get().region() + " but the backend is set to "
                    + cloud.region() + " now; check it again (ALIYUN_DEFAULT_REGION)");
        }
        checkRequests(plan.requests());
        return carried.get();
    }

    static String vpcName(CreateRequest r) { return r.options().getOrDefault(AliyunProvider.VPC_NAME, ""); }

    private AliyunPlan.Machine choose(Wanted w) {
        Resources res = w.resources();
        String type = res.instanceType().isEmpty() ? AliyunSettings.DEFAULT_INSTANCE_TYPE : res.instanceType();
        List<String> zones = new Offers(cloud.api(), cloud.catalog()).zonesWithStock(type, res.spot(), w.zone());
        String image = new Images(cloud.api()).resolve(res.image().isEmpty() ? AliyunSettings.DEFAULT_IMAGE : res.image());
        return new AliyunPlan.Machine(type, image, zones);
    }

    /** What needs no call: names the API accepts, and backend options that parse. */
    private static void checkRequests(List<CreateRequest> requests) {
        for (CreateRequest r : requests) {
            String dataDisk = r.options().getOrDefault(AliyunProvider.DATA_DISK_GB, "").strip();
            if (!dataDisk.isEmpty() && !dataDisk.matches("\\d{1,5}")) {
                throw new InvalidSpecException(AliyunProvider.DATA_DISK_GB + " must be a whole number of GB, was '" + dataDisk + "'");
            }
            String spotLimit = r.options().getOrDefault(AliyunProvider.SPOT_PRICE_LIMIT, "").strip();
            if (!spotLimit.isEmpty() && !spotLimit.matches("\\d{1,6}(\\.\\d+)?")) {
                throw new InvalidSpecException(AliyunProvider.SPOT_PRICE_LIMIT + " must be a price per hour like 1.5, was '" + spotLimit + "'");
            }
            if (!r.name().matches("[A-Za-z\\u4e00-\\u9fa5][A-Za-z0-9\\u4e00-\\u9fa5._:-]{1,127}")) {
                throw new InvalidSpecException("'" + r.name() + "' is not allowed as an Alibaba Cloud instance name"
                        + " (2-128 characters: letters, digits, '.', '_', ':', '-', starting with a letter)");
            }
        }
    }
}
