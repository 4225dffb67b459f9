package io.fastgpu.provider.aliyun.wire;

import com.aliyun.ecs20140526.models.DeleteInstanceRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance;
import com.aliyun.ecs20140526.models.ModifyInstanceAttributeRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.ecs20140526.models.StartInstancesRequest;
import com.aliyun.ecs20140526.models.StopInstancesRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The ECS instance calls: describe, run, start, stop, delete, rename. */
public final class InstanceCalls {
    private final CloudApi api;

    public InstanceCalls(CloudApi api) { this.api = api; }

    /** Every instance of the region with tag {@code key} (of value {@code value}, or any value when null), all pages. */
    public List<CloudInstance> tagged(String key, String value) {
        var tag = new DescribeInstancesRequest.DescribeInstancesRequestTag().setKey(key);
        if (value != null) tag.setValue(value);
        return describe(r -> r.setTag(List.of(tag)));
    }

    /** The instances of {@code ids} (at most 100) that still exist. */
    public List<CloudInstance> byIds(List<String> ids) {
        if (ids.size() > 100) throw new IllegalArgumentException("at most 100 ids per call, was " + ids.size());
        return describe(r -> r.setInstanceIds(jsonArray(ids)));
    }

    private List<CloudInstance> describe(java.util.function.Consumer<DescribeInstancesRequest> filter) {
        List<CloudInstance> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            DescribeInstancesRequest r = new DescribeInstancesRequest().setRegionId(api.region()).setPageSize(100).setPageNumber(page);
            filter.accept(r);
            var body = api.call("DescribeInstances", () -> api.ecs().describeInstances(r)).getBody();
            var list = body.getInstances() == null ? null : body.getInstances().getInstance();
            if (list != null) list.forEach(i -> all.add(toRecord(i)));
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    private static CloudInstance toRecord(DescribeInstancesResponseBodyInstancesInstance i) {
        Map<String, String> tags = new HashMap<>();
        if (i.getTags() != null && i.getTags().getTag() != null) {
            for (var t : i.getTags().getTag()) tags.put(t.getTagKey(), nz(t.getTagValue()));
        }
        String publicIp = first(i.getPublicIpAddress() == null ? null : i.getPublicIpAddress().getIpAddress());
        if (publicIp.isEmpty() && i.getEipAddress() != null) publicIp = nz(i.getEipAddress().getIpAddress());
        String privateIp = first(i.getVpcAttributes() == null || i.getVpcAttributes().getPrivateIpAddress() == null ? null
                : i.getVpcAttributes().getPrivateIpAddress().getIpAddress());
        List<String> locks = new ArrayList<>();
        if (i.getOperationLocks() != null && i.getOperationLocks().getLockReason() != null) {
            for (var l : i.getOperationLocks().getLockReason()) if (l.getLockReason() != null) locks.add(l.getLockReason());
        }
        return new CloudInstance(nz(i.getInstanceId()), nz(i.getInstanceName()), nz(i.getStatus()), nz(i.getZoneId()),
                nz(i.getInstanceType()), nz(i.getImageId()), nz(i.getSpotStrategy()), publicIp, privateIp, nz(i.getGPUSpec()),
                i.getGPUAmount() == null ? 0 : i.getGPUAmount(), nz(i.getCreationTime()), tags, locks);
    }

    /** Buys one instance; returns its id. */
    public String run(RunSpec spec) {
        RunInstancesRequest run = request(spec);
        var body = api.call("RunInstances", () -> api.ecs().runInstances(run)).getBody();
        return body.getInstanceIdSets().getInstanceIdSet().get(0);
    }

    private RunInstancesRequest request(RunSpec s) {
        List<RunInstancesRequest.RunInstancesRequestTag> tags = new ArrayList<>();
        s.tags().forEach((k, v) -> tags.add(new RunInstancesRequest.RunInstancesRequestTag().setKey(k).setValue(v)));
        RunInstancesRequest run = new RunInstancesRequest()
                .setRegionId(api.region())
                .setZoneId(s.zone())
                .setInstanceType(s.instanceType())
                .setImageId(s.imageId())
                .setSecurityGroupId(s.securityGroupId())
                .setVSwitchId(s.vSwitchId())
                .setKeyPairName(s.keyPairName())
                .setInstanceName(s.name())
                .setHostName(s.name())
                .setInstanceChargeType("PostPaid")
                .setInternetChargeType("PayByTraffic")
                .setInternetMaxBandwidthOut(100)
                .setSystemDisk(new RunInstancesRequest.RunInstancesRequestSystemDisk()
                        .setSize(String.valueOf(s.systemDiskGb())).setCategory("cloud_essd"))
                .setAmount(1)
                .setMinAmount(1)
                .setClientToken(UUID.randomUUID().toString())
                .setTag(tags);
        if (!s.ramRoleName().isEmpty()) {
            run.setRamRoleName(s.ramRoleName());
        }
        if (s.dataDiskGb() > 0) {
            run.setDataDisk(List.of(new RunInstancesRequest.RunInstancesRequestDataDisk().setSize(s.dataDiskGb())
                    .setCategory("cloud_essd").setDeleteWithInstance(true)));
        }
        if (s.spot()) {
            if (s.spotPriceLimit().isEmpty()) {
                run.setSpotStrategy("SpotAsPriceGo");
            } else {
                run.setSpotStrategy("SpotWithPriceLimit").setSpotPriceLimit(Float.parseFloat(s.spotPriceLimit()));
            }
            run.setSpotDuration(1);
        }
        return run;
    }

    public void start(String id) {
        api.call("StartInstances", () -> api.ecs().startInstances(new StartInstancesRequest()
                .setRegionId(api.region()).setInstanceId(List.of(id))));
    }

    /** Stops without charging for compute where the instance allows it (pay-as-you-go in a VPC). */
    public void stop(String id) {
        api.call("StopInstances", () -> api.ecs().stopInstances(new StopInstancesRequest()
                .setRegionId(api.region()).setInstanceId(List.of(id)).setStoppedMode("StopCharging")));
    }

    /** Releases it, running or not. */
    public void delete(String id) {
        api.call("DeleteInstance", () -> api.ecs().deleteInstance(new DeleteInstanceRequest().setInstanceId(id).setForce(true)));
    }

    public void rename(String id, String newName) {
        api.call("ModifyInstanceAttribute", () -> api.ecs().modifyInstanceAttribute(new ModifyInstanceAttributeRequest()
                .setInstanceId(id).setInstanceName(newName)));
    }

    private static String jsonArray(List<String> ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < ids.size(); k++) sb.append(k == 0 ? "" : ",").append('"').append(ids.get(k)).append('"');
        return sb.append(']').toString();
    }

    private static String first(List<String> l) { return l == null || l.isEmpty() ? "" : nz(l.get(0)); }

    static String nz(String s) { return s == null ? "" : s; }
}
