package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.SweepCalls;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls.Rule;
import io.fastgpu.provider.aliyun.wire.VpcCalls;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network every FastGPU machine of a region lives in, made once and found again by name: VPC
 * {@code 192.168.0.0/16}, one /20 vSwitch per zone, one security group that lets the group's machines talk
 * to each other (SSH from outside is opened only for given addresses: the launching machine's, and those of
 * {@code addip}).
 */
final class Network {
    static final String VPC_CIDR = "192.168.0.0/16";

    /** Where a machine of a zone goes. */
    record Placement(String vpcId, String vSwitchId, String securityGroupId, String zone) { }

    private final VpcCalls vpcs;
    private final SecurityGroupCalls groups;
    private final SweepCalls sweep;
    private final EventListener events;
    private final String region;
    private final String vpcName;
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();
    private volatile String vpcId;
    private volatile String securityGroupId;

    Network(CloudApi api, EventListener events, String prefix, String vpcName) {
        this.vpcs = new VpcCalls(api);
        this.groups = new SecurityGroupCalls(api);
        this.sweep = new SweepCalls(api);
        this.events = events;
        this.region = api.region();
        this.vpcName = vpcName == null || vpcName.isBlank() ? prefix + "-vpc" : vpcName;
    }

    String vpcName() { return vpcName; }

    String securityGroupName() { return vpcName + "-sg"; }

    /** The placement for a zone, creating what is missing. */
    synchronized Placement in(String zone) {
        Placement p = placements.get(zone);
        if (p != null) return p;
        String vpc = vpc();
        String sg = securityGroup(vpc);
        p = new Placement(vpc, vSwitch(vpc, zone), sg, zone);
        placements.put(zone, p);
        return p;
    }

    /** The security group, creating the network if needed. */
    synchronized String securityGroup() { return securityGroup(vpc()); }

    /** The security group if it exists already; creates nothing. */
    Optional<String> existingSecurityGroup() {
        if (securityGroupId != null) return Optional.of(securityGroupId);
        return vpcs.named(vpcName).stream().findFirst().flatMap(v -> groups.named(v.id(), securityGroupName()));
    }

    /** The inbound rules of the security group. */
    List<Rule> rules(String groupId) { return groups.ingress(groupId); }

    /** Opens SSH (22/tcp) to one address or block; {@code 0.0.0.0/0} is refused. */
    void allowSsh(String address, String why) {
        String cidr = address.contains("/") ? address : address + "/32";
        if (cidr.startsWith("0.0.0.0/")) {
            throw new InvalidSpecException("refusing to open SSH to the whole internet (" + cidr + "); give your own address");
        }
        groups.authorize(securityGroup(), Rule.ssh(cidr, why));
    }

    private String vpc() {
        if (vpcId != null) return vpcId;
        var found = vpcs.named(vpcName);
        if (!found.isEmpty()) {
            vpcId = found.get(0).id();
            awaitVpc(vpcId);
            return vpcId;
        }
        events.on(new Event.Notice(Event.Level.INFO, "Creating VPC " + vpcName + " (" + VPC_CIDR + ") in " + region));
        vpcId = vpcs.create(vpcName, VPC_CIDR, "made by FastGPU");
        sweep.tagNetwork("VPC", vpcId, ours()); // so that 'fastgpu sweep' knows it for ours
        awaitVpc(vpcId);
        return vpcId;
    }

    private void awaitVpc(String id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int round = 0; ; round++) {
            String status = vpcs.status(id);
            if ("Available".equals(status)) return;
            if (System.nanoTime() > deadline) {
                throw new FastGpuException("VPC " + id + " did not become Available in 2 minutes (last status " + status + ")");
            }
            CloudApi.sleep(CloudApi.backoff(round).toMillis());
        }
    }

    private String vSwitch(String vpc, String zone) {
        Set<String> used = new HashSet<>();
        for (var s : vpcs.vSwitches(vpc)) {
            if (zone.equals(s.zone())) return s.id();
            used.add(s.cidr());
        }
        // One /20 per zone: 192.168.0.0/20, 192.168.16.0/20, ... the first one no other vSwitch has.
        String cidr = null;
        for (int third = 0; third < 256 && cidr == null; third += 16) {
            String c = "192.168." + third + ".0/20";
            if (!used.contains(c)) cidr = c;
        }
        if (cidr == null) throw new FastGpuException("VPC " + vpcName + " has no free /20 left for a vSwitch in " + zone);
        events.on(new Event.Notice(Event.Level.INFO, "Creating vSwitch " + cidr + " in zone " + zone));
        String id = vpcs.createVSwitch(vpc, zone, cidr, vpcName + "-" + zone);
        sweep.tagNetwork("VSWITCH", id, ours());
        return id;
    }

    private String securityGroup(String vpc) {
        if (securityGroupId != null) return securityGroupId;
        String name = securityGroupName();
        Optional<String> found = groups.named(vpc, name);
        if (found.isPresent()) {
            // A launch stopped between creating the group and opening it to itself left it closed: open it now.
            if (!SshRules.opensToGroup(groups.ingress(found.get()), found.get())) allowGroup(found.get());
            return securityGroupId = found.get();
        }
        events.on(new Event.Notice(Event.Level.INFO, "Creating security group " + name
                + " (all traffic between its machines; SSH only from this machine and addresses given to 'fastgpu addip')"));
        String id = groups.create(vpc, name, "made by FastGPU", ours());
        allowGroup(id);
        return securityGroupId = id;
    }

    /** The tag that marks what FastGPU made, and for whom. */
    static Map<String, String> ours() { return Map.of(Tags.OWNER, Tags.currentOwner()); }

    private void allowGroup(String id) {
        groups.authorize(id, Rule.allFromGroup(id, "FastGPU: machines of the group reach each other"));
    }
}
