package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Renders an instance the way DescribeInstances shows it: field names, nesting (PublicIpAddress,
 * VpcAttributes, SecurityGroupIds, Tags, OperationLocks) and the hardware and OS of its type and image.
 */
final class InstanceRenderer {
    private final Cloud cloud;

    InstanceRenderer(Cloud cloud) {
        this.cloud = cloud;
    }

    /** One instance as DescribeInstances lists it, with its status at {@code now}. */
    ObjectNode render(InstanceRecord i, Instant now) {
        EmulatorConfig.InstanceTypeSpec type = cloud.instanceTypes.get(i.instanceType());
        EmulatorConfig.ImageSpec image = cloud.images.get(i.imageId());
        ObjectNode o = JSON.createObjectNode()
                .put("InstanceId", i.instanceId())
                .put("InstanceName", i.instanceName())
                .put("HostName", i.hostName())
                .put("Description", i.description())
                .put("RegionId", i.regionId())
                .put("ZoneId", i.zoneId())
                .put("InstanceType", i.instanceType())
                .put("InstanceTypeFamily", family(i.instanceType()))
                .put("ImageId", i.imageId())
                .put("OSType", "linux")
                .put("Status", cloud.lifecycle.statusAt(i, now))
                .put("CreationTime", Params.minutes(i.creationTime()))
                .put("InstanceChargeType", "PostPaid")
                .put("InternetChargeType", "PayByTraffic")
                .put("InternetMaxBandwidthOut", i.internetMaxBandwidthOut())
                .put("InstanceNetworkType", "vpc")
                .put("SpotStrategy", i.spotStrategy())
                .put("IoOptimized", true);
        if (image != null) {
            o.put("OSName", image.osName()).put("OSNameEn", image.osName());
        }
        if (type != null) {
            o.put("Cpu", type.cpuCoreCount()).put("Memory", (int) Math.round(type.memoryGiB() * 1024))
                    .put("GPUAmount", type.gpuAmount());
            if (type.gpuSpec() != null) {
                o.put("GPUSpec", type.gpuSpec());
            }
        }
        if (i.spotPriceLimit() != null) {
            o.put("SpotPriceLimit", i.spotPriceLimit().floatValue());
        }
        if (i.keyPairName() != null) {
            o.put("KeyPairName", i.keyPairName());
        }
        ArrayNode publicIps = o.putObject("PublicIpAddress").putArray("IpAddress");
        if (i.publicIp() != null) {
            publicIps.add(i.publicIp());
        }
        o.putObject("InnerIpAddress").putArray("IpAddress");
        ObjectNode vpc = o.putObject("VpcAttributes").put("NatIpAddress", "");
        if (i.vpcId() != null) {
            vpc.put("VpcId", i.vpcId());
        }
        if (i.vSwitchId() != null) {
            vpc.put("VSwitchId", i.vSwitchId());
        }
        vpc.putObject("PrivateIpAddress").putArray("IpAddress").add(i.privateIp());
        ArrayNode groups = o.putObject("SecurityGroupIds").putArray("SecurityGroupId");
        if (i.securityGroupId() != null) {
            groups.add(i.securityGroupId());
        }
        Params.renderTags(o, i.tags(), "TagKey", "TagValue");
        ArrayNode locks = o.putObject("OperationLocks").putArray("LockReason");
        if (i.lockReason() != null) {
            locks.addObject().put("LockReason", i.lockReason());
        }
        return o;
    }

    /** {@code ecs.gn7i-c8g1.2xlarge} → {@code ecs.gn7i}. */
    static String family(String type) {
        int dot = type.indexOf('.', type.indexOf('.') + 1);
        String head = dot < 0 ? type : type.substring(0, dot);
        int dash = head.indexOf('-');
        return dash < 0 ? head : head.substring(0, dash);
    }
}
