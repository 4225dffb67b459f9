package io.fastgpu.provider.aliyun;

import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupsRequest;
import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchesRequest;
import com.aliyun.vpc20160428.models.DescribeVpcsRequest;
import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network every FastGPU machine of a region lives in, made once and found again by name: VPC
 * {@code 192.168.0.0/16}, one /20 vSwitch per zone, one security group that lets the group's machines talk
 * to each other (SSH from outside is opened only for given addresses, by {@code addip}).
 */
final class Network {
    static final String VPC_CIDR = "192.168.0.0/16";

    /** Where a machine of a zone goes. */
    record Placement(String vpcId, String vSwitchId, String securityGroupId, String zone) { }

    private final CloudApi api;
    private final EventListener events;
    private final String vpcName;
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();
    private volatile String vpcId;
    private volatile String securityGroupId;

    Network(CloudApi api, EventListener events, String prefix, String vpcName) {
        this.api = api;
        this.events = events;
        this.vpcName = vpcName == null || vpcName.isBlank() ? prefix + "-vpc" : vpcName;
    }

    String vpcName() { return vpcName; }

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

    private String vpc() {
        if (vpcId != null) return vpcId;
        var found = api.call("DescribeVpcs", () -> api.vpc().describeVpcs(new DescribeVpcsRequest()
                .setRegionId(api.region()).setVpcName(vpcName).setPageSize(50))).getBody();
        var vpcs = found.getVpcs() == null ? null : found.getVpcs().getVpc();
        if (vpcs != null) {
            for (var v : vpcs) {
                if (vpcName.equals(v.getVpcName())) {
                    vpcId = v.getVpcId();
                    awaitVpc(vpcId);
                    return vpcId;
                }
            }
        }
        events.on(new Event.Notice(Event.Level.INFO, "Creating VPC " + vpcName + " (" + VPC_CIDR + ") in " + api.region()));
        vpcId = api.call("CreateVpc", () -> api.vpc().createVpc(new CreateVpcRequest().setRegionId(api.region())
                .setVpcName(vpcName).setCidrBlock(VPC_CIDR).setDescription("made by FastGPU"))).getBody().getVpcId();
        awaitVpc(vpcId);
        return vpcId;
    }

    private void awaitVpc(String id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int round = 0; ; round++) {
            var body = api.call("DescribeVpcs", () -> api.vpc().describeVpcs(new DescribeVpcsRequest()
                    .setRegionId(api.region()).setVpcId(id))).getBody();
            var list = body.getVpcs() == null ? null : body.getVpcs().getVpc();
            String status = list == null || list.isEmpty() ? "missing" : list.get(0).getStatus();
            if ("Available".equals(status)) return;
            if (System.nanoTime() > deadline) {
                throw new FastGpuException("VPC " + id + " did not become Available in 2 minutes (last status " + status + ")");
            }
            CloudApi.sleep(CloudApi.backoff(round).toMillis());
        }
    }

    private String vSwitch(String vpc, String zone) {
        var body = api.call("DescribeVSwitches", () -> api.vpc().describeVSwitches(new DescribeVSwitchesRequest()
                .setRegionId(api.region()).setVpcId(vpc).setPageSize(50))).getBody();
        var list = body.getVSwitches() == null ? null : body.getVSwitches().getVSwitch();
        Set<String> used = new HashSet<>();
        if (list != null) {
            for (var s : list) {
                if (zone.equals(s.getZoneId())) return s.getVSwitchId();
                used.add(s.getCidrBlock());
            }
        }
        // One /20 per zone: 192.168.0.0/20, 192.168.16.0/20, ... the first one no other vSwitch has.
        String cidr = null;
        for (int third = 0; third < 256 && cidr == null; third += 16) {
            String c = "192.168." + third + ".0/20";
            if (!used.contains(c)) cidr = c;
        }
        if (cidr == null) throw new FastGpuException("VPC " + vpcName + " has no free /20 left for a vSwitch in " + zone);
        String chosen = cidr;
        events.on(new Event.Notice(Event.Level.INFO, "Creating vSwitch " + chosen + " in zone " + zone));
        return api.call("CreateVSwitch", () -> api.vpc().createVSwitch(new CreateVSwitchRequest().setRegionId(api.region())
                .setVpcId(vpc).setZoneId(zone).setCidrBlock(chosen).setVSwitchName(vpcName + "-" + zone))).getBody().getVSwitchId();
    }

    private String securityGroup(String vpc) {
        if (securityGroupId != null) return securityGroupId;
        String name = vpcName + "-sg";
        var body = api.call("DescribeSecurityGroups", () -> api.ecs().describeSecurityGroups(new DescribeSecurityGroupsRequest()
                .setRegionId(api.region()).setVpcId(vpc).setSecurityGroupName(name).setPageSize(50))).getBody();
        var list = body.getSecurityGroups() == null ? null : body.getSecurityGroups().getSecurityGroup();
        if (list != null) {
            for (var g : list) {
                if (name.equals(g.getSecurityGroupName())) {
                    // A launch stopped between creating the group and opening it to itself left it closed: open it now.
                    if (!opensToItself(g.getSecurityGroupId())) allowGroup(g.getSecurityGroupId());
                    return securityGroupId = g.getSecurityGroupId();
                }
            }
        }
        events.on(new Event.Notice(Event.Level.INFO, "Creating security group " + name
                + " (all traffic between its machines; SSH only from addresses given to 'fastgpu addip')"));
        String id = api.call("CreateSecurityGroup", () -> api.ecs().createSecurityGroup(new CreateSecurityGroupRequest()
                .setRegionId(api.region()).setVpcId(vpc).setSecurityGroupName(name)
                .setDescription("made by FastGPU"))).getBody().getSecurityGroupId();
        allowGroup(id);
        return securityGroupId = id;
    }

    private void allowGroup(String id) {
        api.call("AuthorizeSecurityGroup", () -> api.ecs().authorizeSecurityGroup(new AuthorizeSecurityGroupRequest()
                .setRegionId(api.region()).setSecurityGroupId(id).setIpProtocol("all").setPortRange("-1/-1")
                .setSourceGroupId(id).setDescription("FastGPU: machines of the group reach each other")));
    }

    private boolean opensToItself(String id) {
        var body = api.call("DescribeSecurityGroupAttribute", () -> api.ecs().describeSecurityGroupAttribute(
                new com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeRequest().setRegionId(api.region())
                        .setSecurityGroupId(id).setDirection("ingress"))).getBody();
        if (body.getPermissions() == null || body.getPermissions().getPermission() == null) return false;
        return body.getPermissions().getPermission().stream().anyMatch(p -> id.equals(p.getSourceGroupId())
                && "all".equalsIgnoreCase(p.getIpProtocol()) && !"drop".equalsIgnoreCase(p.getPolicy()));
    }

    /** Opens SSH (22/tcp) to one address; {@code 0.0.0.0/0} is refused. */
    void allowSsh(String address) {
        String cidr = address.contains("/") ? address : address + "/32";
        if (cidr.startsWith("0.0.0.0/")) {
            throw new io.fastgpu.api.InvalidSpecException("refusing to open SSH to the whole internet (" + cidr + "); give your own address");
        }
        String sg = securityGroup();
        api.call("AuthorizeSecurityGroup", () -> api.ecs().authorizeSecurityGroup(new AuthorizeSecurityGroupRequest()
                .setRegionId(api.region()).setSecurityGroupId(sg).setIpProtocol("tcp").setPortRange("22/22")
                .setSourceCidrIp(cidr).setDescription("FastGPU addip")));
    }
}
