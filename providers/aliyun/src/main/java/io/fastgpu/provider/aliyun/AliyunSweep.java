package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.LeftoverSweep;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.CloudError;
import io.fastgpu.provider.aliyun.wire.InstanceCalls;
import io.fastgpu.provider.aliyun.wire.NasCalls;
import io.fastgpu.provider.aliyun.wire.SweepCalls;
import io.fastgpu.provider.aliyun.wire.SweepCalls.Resource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leftovers in the region: what carries this user's {@code fastgpu:owner} tag and nothing known accounts for.
 * An instance is a leftover when its job is none the state knows; a key pair, security group, vSwitch or VPC
 * when no instance that stays (of any owner) uses it and nothing that stays lies in it.
 */
final class AliyunSweep implements LeftoverSweep {
    private static final List<String> ORDER = List.of("instance", "keypair", "securitygroup", "nas", "vswitch", "vpc");
    private static final Duration DEPENDENTS_GONE = Duration.ofMinutes(2);

    private final CloudAccess cloud;
    private final Pricing pricing;

    AliyunSweep(CloudAccess cloud, Pricing pricing) {
        this.cloud = cloud;
        this.pricing = pricing;
    }

    @Override
    public String scope() { return "Region " + cloud.api().region(); }

    @Override
    public Inventory inventory(Set<String> knownJobs) {
        SweepCalls calls = new SweepCalls(cloud.api());
        String owner = Tags.currentOwner();
        List<Resource> instances = calls.instances();
        List<Resource> network = new ArrayList<>();
        network.addAll(calls.keyPairs());
        network.addAll(calls.securityGroups());
        network.addAll(calls.vSwitches());
        network.addAll(calls.vpcs());
        int skipped = 0;
        List<Leftover> found = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Resource i : instances) {
            if (!ours(i.tags(), owner)) {
                skipped++;
                used.addAll(i.uses());
            } else if (knownJobs.contains(i.tags().getOrDefault(Tags.JOB, ""))) {
                used.addAll(i.uses());
            } else {
                boolean spot = i.tags().containsKey("aliyun:spot");
                double price = "Running".equals(i.status()) || "Starting".equals(i.status())
                        ? Math.max(0, pricing.hourlyPrice(new Resources(i.instanceType(), "", spot, 100), 1)) : 0;
                found.add(new Leftover("instance", i.id(), i.name(), i.status(), price, 0));
            }
        }
        // What stays holds its VPC: a vSwitch or group of someone else's (or one in use) keeps the VPC in use.
        for (Resource r : network) {
            if (!ours(r.tags(), owner)) {
                skipped++;
                used.addAll(r.uses());
            } else if (used.contains(r.id())) {
                used.addAll(r.uses());
            }
        }
        // FastGPU's NAS file systems (known by their description: no tags on NAS here): a leftover when none of its
        // mount targets lies in a VPC that stays. Releasing one deletes its files, which the question says.
        NasCalls nas = new NasCalls(cloud.api());
        String nasPrefix = cloud.settings().prefix() + "-nas-";
        for (NasCalls.FileSystem fs : nas.fileSystems()) {
            if (!fs.description().startsWith(nasPrefix)) {
                skipped++;
                continue;
            }
            List<NasCalls.MountTarget> targets = nas.mountTargets(fs.id(), "");
            if (targets.stream().noneMatch(t -> used.contains(t.vpcId()))) {
                found.add(new Leftover("nas", fs.id(), fs.description(), targets.size() + " mount target(s); its files go with it", 0,
                        ORDER.indexOf("nas")));
            } else {
                targets.forEach(t -> used.add(t.vpcId()));
            }
        }
        for (Resource r : network) {
            if (ours(r.tags(), owner) && !used.contains(r.id())) {
                found.add(new Leftover(r.kind(), r.id(), r.name(), r.status(), 0, ORDER.indexOf(r.kind())));
            }
        }
        return new Inventory(found, skipped);
    }

    private static boolean ours(Map<String, String> tags, String owner) { return owner.equals(tags.get(Tags.OWNER)); }

    @Override
    public void release(Leftover l) {
        CloudApi api = cloud.api();
        SweepCalls calls = new SweepCalls(api);
        long deadline = System.nanoTime() + DEPENDENTS_GONE.toNanos();
        for (int round = 0; ; round++) {
            try {
                switch (l.kind()) {
                    case "instance" -> new InstanceCalls(api).delete(l.id());
                    case "keypair" -> calls.deleteKeyPair(l.id());
                    case "securitygroup" -> calls.deleteSecurityGroup(l.id());
                    case "vswitch" -> calls.deleteVSwitch(l.id());
                    case "vpc" -> calls.deleteVpc(l.id());
                    case "nas" -> {
                        NasCalls nas = new NasCalls(api);
                        for (NasCalls.MountTarget t : nas.mountTargets(l.id(), "")) nas.deleteMountTarget(l.id(), t.domain());
                        nas.deleteFileSystem(l.id()); // refused until its mount targets are gone: tried again below
                    }
                    default -> throw new FastGpuException("cannot release a " + l.kind());
                }
                return;
            } catch (CloudError e) {
                // Released instances take a moment to leave their group and vSwitch, as the cloud says.
                boolean waitFor = e.is("DependencyViolation") || e.code().startsWith("DependencyViolation")
                        || e.is("OperationDenied.HasMountTargets");
                if (!waitFor || System.nanoTime() > deadline) throw e;
                CloudApi.sleep(CloudApi.backoff(round).toMillis());
            }
        }
    }
}
