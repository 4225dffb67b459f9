package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.provider.aliyun.wire.CloudError;
import io.fastgpu.provider.aliyun.wire.Errors;
import io.fastgpu.provider.aliyun.wire.InstanceCalls;
import io.fastgpu.provider.aliyun.wire.RunSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Buys the machines of a plan: one RunInstances call each, task0's first and the others then in parallel (where the
 * cloud hands out addresses in order, task0 gets the first); each tries the plan's zones in order while the cloud
 * answers "no stock". When some cannot be bought, the ones this call bought are released again, and the outcome
 * says so.
 */
final class InstanceCreator {
    private final CloudAccess cloud;
    private final CreationPlanner planner;
    private final CallerAccess caller;
    private final InstanceLookup lookup;
    private final InstanceMapper mapper;
    private final SpotReclaim reclaim;
    private final KnownHosts knownHosts;
    private final Consumer<String> release;

    InstanceCreator(CloudAccess cloud, CreationPlanner planner, CallerAccess caller, InstanceLookup lookup, InstanceMapper mapper,
                    SpotReclaim reclaim, KnownHosts knownHosts, Consumer<String> release) {
        this.cloud = cloud;
        this.planner = planner;
        this.caller = caller;
        this.lookup = lookup;
        this.mapper = mapper;
        this.reclaim = reclaim;
        this.knownHosts = knownHosts;
        this.release = release;
    }

    CreateOutcome create(CreatePlan createPlan) {
        List<CreateRequest> requests = createPlan.requests();
        if (requests.isEmpty()) return CreateOutcome.of(List.of());
        AliyunPlan plan = planner.decisions(createPlan);
        List<String> wanted = requests.stream().map(CreateRequest::name).toList();
        List<String> taken = reclaim.releaseFor(wanted, lookup.list(false)).stream().map(Instance::name).toList();
        for (String name : wanted) {
            if (taken.contains(name)) {
                throw new FastGpuException("an instance named " + name + " already exists in " + cloud.region()
                        + "; 'fastgpu ls --stop' shows it (start it or kill it)");
            }
        }
        String keyPair = cloud.keyPairs().ensure();
        caller.open(plan.openSsh());
        List<Parallel.Outcome<CreateRequest, Instance>> outcomes =
                new ArrayList<>(Parallel.each(requests.subList(0, 1), r -> createOne(r, plan, keyPair)));
        if (outcomes.get(0).ok()) outcomes.addAll(Parallel.each(requests.subList(1, requests.size()), r -> createOne(r, plan, keyPair)));
        List<CreateOutcome.Failure> failed = outcomes.stream().filter(o -> !o.ok())
                .map(o -> new CreateOutcome.Failure(o.item().name(), o.error())).toList();
        List<Instance> made = outcomes.stream().filter(Parallel.Outcome::ok).map(Parallel.Outcome::value).toList();
        if (failed.isEmpty()) return CreateOutcome.of(made);
        List<String> released = new ArrayList<>();
        List<Instance> kept = new ArrayList<>();
        for (var o : Parallel.each(made, i -> { release.accept(i.id()); return i.name(); })) {
            if (o.ok()) released.add(o.value()); else kept.add(o.item());
        }
        return new CreateOutcome(kept, failed, released);
    }

    private Instance createOne(CreateRequest r, AliyunPlan plan, String keyPair) {
        AliyunPlan.Machine m = plan.machines().get(r.name());
        Network net = cloud.network(CreationPlanner.vpcName(r));
        InstanceCalls calls = new InstanceCalls(cloud.api());
        FastGpuException last = null;
        for (int z = 0; z < m.zones().size(); z++) {
            String zone = m.zones().get(z);
            Network.Placement where = net.in(zone);
            String nasDomain = "true".equals(r.options().get("nas")) ? cloud.storage().mountDomain(where) : "";
            try {
                String id = calls.run(spec(r, m, where, keyPair, nasDomain));
                knownHosts.madeNew(id);
                Map<String, String> tags = new HashMap<>(r.tags());
                tags.put(InstanceMapper.ZONE_TAG, zone);
                return new Instance(id, r.name(), AliyunProvider.NAME, InstanceState.PENDING, m.instanceType(),
                        mapper.gpuOf(m.instanceType()), "", "", Instant.now(), tags);
            } catch (CloudError e) {
                if (!e.code().contains("NoStock") && !e.is("Zone.NotOnSale") && !e.is("InvalidResourceType.NotSupported")) {
                    throw Errors.explain(e, m.instanceType(), cloud.region(), zone);
                }
                last = e;
                String next = z + 1 < m.zones().size() ? "; trying zone " + m.zones().get(z + 1) : "";
                cloud.events().on(new Event.Notice(Event.Level.WARN, r.name() + ": no stock of " + m.instanceType() + " in zone " + zone + next));
            }
        }
        throw new FastGpuException("no stock of " + m.instanceType() + (r.resources().spot() ? " (spot)" : "") + " in "
                + String.join(", ", m.zones()) + " of " + cloud.region()
                + "; try another instance type ('fastgpu querygpu') or region (ALIYUN_DEFAULT_REGION)", last);
    }

    private RunSpec spec(CreateRequest r, AliyunPlan.Machine m, Network.Placement where, String keyPair, String nasDomain) {
        Map<String, String> tags = new LinkedHashMap<>(r.tags());
        tags.put(Tags.OWNER, cloud.settings().owner());
        if (!nasDomain.isEmpty()) tags.put(Tags.NAS, nasDomain);
        String dataDisk = r.options().getOrDefault(AliyunProvider.DATA_DISK_GB, "").strip(); // checked by the planner
        String spotLimit = r.options().getOrDefault(AliyunProvider.SPOT_PRICE_LIMIT, "").strip();
        int systemGb = Math.max(20, r.resources().diskGb());
        int dataGb = dataDisk.isEmpty() ? 0 : Integer.parseInt(dataDisk);
        tags.put(Tags.DISK_GB, String.valueOf(systemGb + dataGb)); // what a stopped machine is still charged for
        return new RunSpec(r.name(), where.zone(), m.instanceType(), m.imageId(), where.securityGroupId(), where.vSwitchId(), keyPair,
                systemGb, dataGb, r.resources().spot(), spotLimit, tags, cloud.settings().instanceRole());
    }
}
