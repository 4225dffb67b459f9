package io.fastgpu.provider.aliyun.wire;

import com.aliyun.ecs20140526.models.DeleteKeyPairsRequest;
import com.aliyun.ecs20140526.models.DeleteSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeKeyPairsRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupsRequest;
import com.aliyun.vpc20160428.models.DeleteVSwitchRequest;
import com.aliyun.vpc20160428.models.DeleteVpcRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchesRequest;
import com.aliyun.vpc20160428.models.DescribeVpcsRequest;
import com.aliyun.vpc20160428.models.TagResourcesRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a sweep for leftovers asks of the region: every resource of each kind with its tags, and the deletes. */
public final class SweepCalls {
    /**
     * One resource of the region.
     *
     * @param kind   {@code instance}, {@code keypair}, {@code securitygroup}, {@code vswitch} or {@code vpc}
     * @param id     its id (a key pair: its name)
     * @param status its status word, or empty
     * @param uses   for an instance: the ids of its VPC, vSwitch, security groups and key pair name
     */
    public record Resource(String kind, String id, String name, String status, String instanceType, Map<String, String> tags,
                           List<String> uses) { }

    private static final int PAGE = 50;
    private final CloudApi api;

    public SweepCalls(CloudApi api) { this.api = api; }

    /** Every instance of the region, with what it uses. */
    public List<Resource> instances() {
        List<Resource> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            int p = page;
            var body = api.call("DescribeInstances", () -> api.ecs().describeInstances(new DescribeInstancesRequest()
                    .setRegionId(api.region()).setPageSize(100).setPageNumber(p))).getBody();
            var list = body.getInstances() == null ? null : body.getInstances().getInstance();
            if (list != null) {
                for (var i : list) {
                    Map<String, String> tags = new HashMap<>();
                    if (i.getTags() != null && i.getTags().getTag() != null) i.getTags().getTag().forEach(t -> tags.put(t.getTagKey(), InstanceCalls.nz(t.getTagValue())));
                    List<String> uses = new ArrayList<>();
                    if (i.getVpcAttributes() != null) {
                        uses.add(InstanceCalls.nz(i.getVpcAttributes().getVpcId()));
                        uses.add(InstanceCalls.nz(i.getVpcAttributes().getVSwitchId()));
                    }
                    if (i.getSecurityGroupIds() != null && i.getSecurityGroupIds().getSecurityGroupId() != null) {
                        uses.addAll(i.getSecurityGroupIds().getSecurityGroupId());
                    }
                    uses.add(InstanceCalls.nz(i.getKeyPairName()));
                    all.add(new Resource("instance", i.getInstanceId(), InstanceCalls.nz(i.getInstanceName()), InstanceCalls.nz(i.getStatus()),
                            InstanceCalls.nz(i.getInstanceType()), tags, uses));
                }
            }
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    public List<Resource> keyPairs() {
        List<Resource> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            int p = page;
            var body = api.call("DescribeKeyPairs", () -> api.ecs().describeKeyPairs(new DescribeKeyPairsRequest()
                    .setRegionId(api.region()).setPageSize(PAGE).setPageNumber(p))).getBody();
            var list = body.getKeyPairs() == null ? null : body.getKeyPairs().getKeyPair();
            if (list != null) {
                for (var k : list) {
                    Map<String, String> tags = new HashMap<>();
                    if (k.getTags() != null && k.getTags().getTag() != null) k.getTags().getTag().forEach(t -> tags.put(t.getTagKey(), InstanceCalls.nz(t.getTagValue())));
                    all.add(new Resource("keypair", k.getKeyPairName(), k.getKeyPairName(), "", "", tags, List.of()));
                }
            }
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    public List<Resource> securityGroups() {
        List<Resource> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            int p = page;
            var body = api.call("DescribeSecurityGroups", () -> api.ecs().describeSecurityGroups(new DescribeSecurityGroupsRequest()
                    .setRegionId(api.region()).setPageSize(PAGE).setPageNumber(p))).getBody();
            var list = body.getSecurityGroups() == null ? null : body.getSecurityGroups().getSecurityGroup();
            if (list != null) {
                for (var g : list) {
                    Map<String, String> tags = new HashMap<>();
                    if (g.getTags() != null && g.getTags().getTag() != null) g.getTags().getTag().forEach(t -> tags.put(t.getTagKey(), InstanceCalls.nz(t.getTagValue())));
                    all.add(new Resource("securitygroup", g.getSecurityGroupId(), InstanceCalls.nz(g.getSecurityGroupName()), "", "", tags,
                            List.of(InstanceCalls.nz(g.getVpcId()))));
                }
            }
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    public List<Resource> vpcs() {
        List<Resource> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            int p = page;
            var body = api.call("DescribeVpcs", () -> api.vpc().describeVpcs(new DescribeVpcsRequest()
                    .setRegionId(api.region()).setPageSize(PAGE).setPageNumber(p))).getBody();
            var list = body.getVpcs() == null ? null : body.getVpcs().getVpc();
            if (list != null) {
                for (var v : list) {
                    Map<String, String> tags = new HashMap<>();
                    if (v.getTags() != null && v.getTags().getTag() != null) v.getTags().getTag().forEach(t -> tags.put(t.getKey(), InstanceCalls.nz(t.getValue())));
                    all.add(new Resource("vpc", v.getVpcId(), InstanceCalls.nz(v.getVpcName()), InstanceCalls.nz(v.getStatus()), "", tags, List.of()));
                }
            }
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    public List<Resource> vSwitches() {
        List<Resource> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            int p = page;
            var body = api.call("DescribeVSwitches", () -> api.vpc().describeVSwitches(new DescribeVSwitchesRequest()
                    .setRegionId(api.region()).setPageSize(PAGE).setPageNumber(p))).getBody();
            var list = body.getVSwitches() == null ? null : body.getVSwitches().getVSwitch();
            if (list != null) {
                for (var s : list) {
                    Map<String, String> tags = new HashMap<>();
                    if (s.getTags() != null && s.getTags().getTag() != null) s.getTags().getTag().forEach(t -> tags.put(t.getKey(), InstanceCalls.nz(t.getValue())));
                    all.add(new Resource("vswitch", s.getVSwitchId(), InstanceCalls.nz(s.getVSwitchName()), InstanceCalls.nz(s.getStatus()), "", tags,
                            List.of(InstanceCalls.nz(s.getVpcId()))));
                }
            }
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    /** Tags a VPC or vSwitch ({@code type} {@code VPC} / {@code VSWITCH}); their create calls take no tags. */
    public void tagNetwork(String type, String id, Map<String, String> tags) {
        List<TagResourcesRequest.TagResourcesRequestTag> t = new ArrayList<>();
        tags.forEach((k, v) -> t.add(new TagResourcesRequest.TagResourcesRequestTag().setKey(k).setValue(v)));
        api.call("TagResources", () -> api.vpc().tagResources(new TagResourcesRequest().setRegionId(api.region())
                .setResourceType(type).setResourceId(List.of(id)).setTag(t)));
    }

    public void deleteKeyPair(String name) {
        api.call("DeleteKeyPairs", () -> api.ecs().deleteKeyPairs(new DeleteKeyPairsRequest().setRegionId(api.region())
                .setKeyPairNames("[\"" + name.replace("\"", "") + "\"]")));
    }

    public void deleteSecurityGroup(String id) {
        api.call("DeleteSecurityGroup", () -> api.ecs().deleteSecurityGroup(new DeleteSecurityGroupRequest()
                .setRegionId(api.region()).setSecurityGroupId(id)));
    }

    public void deleteVSwitch(String id) {
        api.call("DeleteVSwitch", () -> api.vpc().deleteVSwitch(new DeleteVSwitchRequest().setRegionId(api.region()).setVSwitchId(id)));
    }

    public void deleteVpc(String id) {
        api.call("DeleteVpc", () -> api.vpc().deleteVpc(new DeleteVpcRequest().setRegionId(api.region()).setVpcId(id)));
    }
}
