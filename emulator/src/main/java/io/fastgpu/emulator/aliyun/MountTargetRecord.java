package io.fastgpu.emulator.aliyun;

/** A NAS mount target (the NFS endpoint of a file system inside a VPC) as stored and persisted. */
record MountTargetRecord(String mountTargetDomain, String fileSystemId, String regionId, String networkType,
        String vpcId, String vSwitchId, String accessGroupName, String createTime) {}
