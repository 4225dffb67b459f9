package io.fastgpu.emulator.aliyun;

/** A NAS file system as stored and persisted; its data lives in a host folder (see AliyunEmulator#nasDirectory). */
record FileSystemRecord(String fileSystemId, String regionId, String zoneId, String protocolType,
        String storageType, String fileSystemType, String description, String createTime) {}
