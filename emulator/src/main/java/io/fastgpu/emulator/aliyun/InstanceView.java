package io.fastgpu.emulator.aliyun;

/**
 * An ECS instance as another in-process component sees it (see {@link AliyunEmulator#instances()}):
 * where it is, what it is, its status at the time of the call, and how to reach and log into it.
 *
 * @param status Pending, Starting, Running, Stopping or Stopped, derived when the view was taken
 * @param publicIp null when the instance has no public address
 * @param keyPairName null when created without a key pair
 * @param publicKey the key pair's OpenSSH public key line ({@code ssh-rsa AAAA...}), or null
 */
public record InstanceView(String instanceId, String regionId, String zoneId, String instanceName,
        String instanceType, String status, String privateIp, String publicIp, String keyPairName, String publicKey,
        String hostName) {}
