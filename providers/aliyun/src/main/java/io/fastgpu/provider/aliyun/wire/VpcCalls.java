package io.fastgpu.provider.aliyun.wire;

import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchesRequest;
import com.aliyun.vpc20160428.models.DescribeVpcsRequest;

import java.util.ArrayList;
import java.util.List;

/** VPCs and their vSwitches. */
public final class VpcCalls {
    /** A VPC; {@code status} is {@code Pending} or {@code Available}. */
    public record Vpc(String id, String name, String status) { }

    /** A vSwitch: the subnet of a VPC in one zone. */
    public record VSwitch(String id, String zone, String cidr) { }

    private final CloudApi api;

    public VpcCalls(CloudApi api) { this.api = api; }

    /** The VPCs named exactly {@code name}. */
    public List<Vpc> named(String name) {
        var body = api.call("DescribeVpcs", () -> api.vpc().describeVpcs(new DescribeVpcsRequest()
                .setRegionId(api.region()).setVpcName(name).setPageSize(50))).getBody();
        return vpcs(body).stream().filter(v -> name.equals(v.name())).toList();
    }

    /** The status of VPC {@code id}, {@code missing} when there is none. */
    public String status(String id) {
        var body = api.call("DescribeVpcs", () -> api.vpc().describeVpcs(new DescribeVpcsRequest()
                .setRegionId(api.region()).setVpcId(id))).getBody();
        List<Vpc> list = vpcs(body);
        return list.isEmpty() ? "missing" : list.get(0).status();
    }

    private static List<Vpc> vpcs(com.aliyun.vpc20160428.models.DescribeVpcsResponseBody body) {
        List<Vpc> result = new ArrayList<>();
        if (body.getVpcs() == null || body.getVpcs().getVpc() == null) return result;
        for (var v : body.getVpcs().getVpc()) {
            result.add(new Vpc(v.getVpcId(), InstanceCalls.nz(v.getVpcName()), InstanceCalls.nz(v.getStatus())));
        }
        return result;
    }

    public String create(String name, String cidr, String description) {
        return api.call("CreateVpc", () -> api.vpc().createVpc(new CreateVpcRequest().setRegionId(api.region())
                .setVpcName(name).setCidrBlock(cidr).setDescription(description))).getBody().getVpcId();
    }

    public List<VSwitch> vSwitches(String vpcId) {
        var body = api.call("DescribeVSwitches", () -> api.vpc().describeVSwitches(new DescribeVSwitchesRequest()
                .setRegionId(api.region()).setVpcId(vpcId).setPageSize(50))).getBody();
        List<VSwitch> result = new ArrayList<>();
        if (body.getVSwitches() == null || body.getVSwitches().getVSwitch() == null) return result;
        for (var s : body.getVSwitches().getVSwitch()) {
            result.add(new VSwitch(s.getVSwitchId(), InstanceCalls.nz(s.getZoneId()), InstanceCalls.nz(s.getCidrBlock())));
        }
        return result;
    }

    public String createVSwitch(String vpcId, String zone, String cidr, String name) {
        return api.call("CreateVSwitch", () -> api.vpc().createVSwitch(new CreateVSwitchRequest().setRegionId(api.region())
                .setVpcId(vpcId).setZoneId(zone).setCidrBlock(cidr).setVSwitchName(name))).getBody().getVSwitchId();
    }
}
