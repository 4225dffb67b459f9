package io.fastgpu.emulator.aliyun;

import java.util.List;

/**
 * One ECS instance as the emulator stores it (and persists it, field for field, in the state file).
 * The status is stored as the last commanded transition and the time it began; what a caller sees
 * is derived from that lazily by {@link InstanceStateMachine}, so no timer threads are needed.
 *
 * @param vpcId the VPC of {@code vSwitchId}
 * @param dataDiskSizes sizes in GiB of the data disks created with the instance
 * @param spotPriceLimit the hourly bid of a {@code SpotWithPriceLimit} instance, else null
 * @param status the status entered at {@code statusSince}: Pending, Starting, Running, Stopping or Stopped
 * @param statusSince ISO-8601 instant the status was entered
 * @param creationTime ISO-8601 instant of creation
 * @param publicIp null when created without public bandwidth
 * @param lockReason an OperationLocks reason such as {@code Recycling} (spot reclaim), or null
 * @param ramRoleName the instance RAM role it was launched with ({@code RamRoleName}), or null
 */
public record InstanceRecord(String instanceId, String regionId, String zoneId, String instanceName,
        String hostName, String description, String instanceType, String imageId, String vpcId, String vSwitchId,
        String securityGroupId, String keyPairName, int internetMaxBandwidthOut, String spotStrategy,
        Double spotPriceLimit, int systemDiskSize, List<Integer> dataDiskSizes, List<Tag> tags, String privateIp,
        String publicIp, String creationTime, String status, String statusSince, String lockReason, String ramRoleName) {

    public InstanceRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
        dataDiskSizes = dataDiskSizes == null ? List.of() : List.copyOf(dataDiskSizes);
    }

    InstanceRecord withStatus(String newStatus, String since) {
        return new InstanceRecord(instanceId, regionId, zoneId, instanceName, hostName, description, instanceType,
                imageId, vpcId, vSwitchId, securityGroupId, keyPairName, internetMaxBandwidthOut, spotStrategy,
                spotPriceLimit, systemDiskSize, dataDiskSizes, tags, privateIp, publicIp, creationTime, newStatus, since,
                lockReason, ramRoleName);
    }

    InstanceRecord withLockReason(String reason) {
        return new InstanceRecord(instanceId, regionId, zoneId, instanceName, hostName, description, instanceType,
                imageId, vpcId, vSwitchId, securityGroupId, keyPairName, internetMaxBandwidthOut, spotStrategy,
                spotPriceLimit, systemDiskSize, dataDiskSizes, tags, privateIp, publicIp, creationTime, status,
                statusSince, reason, ramRoleName);
    }

    InstanceRecord withAttributes(String newName, String newHostName, String newDescription) {
        return new InstanceRecord(instanceId, regionId, zoneId, newName, newHostName, newDescription, instanceType,
                imageId, vpcId, vSwitchId, securityGroupId, keyPairName, internetMaxBandwidthOut, spotStrategy,
                spotPriceLimit, systemDiskSize, dataDiskSizes, tags, privateIp, publicIp, creationTime, status,
                statusSince, lockReason, ramRoleName);
    }

    InstanceRecord withTags(List<Tag> newTags) {
        return new InstanceRecord(instanceId, regionId, zoneId, instanceName, hostName, description, instanceType,
                imageId, vpcId, vSwitchId, securityGroupId, keyPairName, internetMaxBandwidthOut, spotStrategy,
                spotPriceLimit, systemDiskSize, dataDiskSizes, newTags, privateIp, publicIp, creationTime, status,
                statusSince, lockReason, ramRoleName);
    }
}
