/**
 * An offline emulator of the Alibaba Cloud OpenAPI, for rehearsing FastGPU launches without an
 * account: {@link io.fastgpu.emulator.aliyun.AliyunEmulator} serves, on one loopback endpoint,
 *
 * <ul>
 *   <li>ECS 2014-05-26: DescribeRegions, DescribeZones, DescribeAvailableResource, RunInstances,
 *       DescribeInstances, Start/StopInstance(s), DeleteInstance(s), ModifyInstanceAttribute, DescribeInstanceRamRole,
 *       Create/Describe/DeleteSecurityGroup(s), Authorize/RevokeSecurityGroup,
 *       ModifySecurityGroupPolicy, DescribeSecurityGroupAttribute, CreateKeyPair, ImportKeyPair, DescribeKeyPairs,
 *       DeleteKeyPairs, DescribeImages, DescribeInstanceTypes, DescribePrice, TagResources,
 *       UntagResources, ListTagResources;</li>
 *   <li>VPC 2016-04-28: CreateVpc, DescribeVpcs, DeleteVpc, CreateVSwitch, DescribeVSwitches,
 *       DeleteVSwitch, TagResources, UnTagResources, ListTagResources;</li>
 *   <li>NAS 2017-06-26: CreateFileSystem, DescribeFileSystems, DeleteFileSystem,
 *       CreateMountTarget, DescribeMountTargets, DeleteMountTarget.</li>
 * </ul>
 *
 * <p>Request and response field names follow the official SDKs; error codes, HTTP statuses and
 * messages follow the API reference where it documents them. Known simplifications: only VPC
 * networking (no classic network), basic security groups with inbound rules, pay-as-you-go
 * billing with illustrative prices, General-purpose NFS/SMB file systems without access groups,
 * and, with loopback addressing, private addresses outside the vSwitch block.
 *
 * <p>Where things are: {@code RequestPipeline} (HTTP request to answer:
 * signature, flow control, dispatch, errors) and {@code ResponseRenderer} (the answers' JSON shape);
 * {@code Products} (which actions each API version answers); one {@code *Actions} class per
 * resource kind ({@code RegionActions}, {@code InstanceActions}, {@code InstanceStateActions},
 * {@code SecurityGroupActions}, ...); {@code RunInstancesValidation} (RunInstances' checks);
 * {@code InstanceStateMachine} (Pending, Starting, Running, Stopping, Stopped over time);
 * {@code InstanceRenderer} (DescribeInstances' instance shape); {@code Cloud} and
 * {@code EmulatorState} (the shared account and what is persisted);
 * {@code IngressRules} and {@code SecurityGroupFirewall} (what security groups let in, enforced on the
 * machines' SSH servers unless {@link io.fastgpu.emulator.aliyun.EmulatorConfig#enforceSecurityGroups} is turned off);
 * {@code PublicAddressLookup} (the caller's public address, for {@code FASTGPU_PUBLIC_IP_URL});
 * {@code InstanceMetadata} (each machine's metadata service), {@code RoleCredentials} and {@code RolePolicy} (instance
 * RAM roles: their temporary credentials, checked by {@code RequestAuthenticator}, and what they may do);
 * {@link io.fastgpu.emulator.aliyun.EmulatorTestHooks} (changes tests make from outside the API);
 * {@link io.fastgpu.emulator.aliyun.EmulatedCloud} (the API plus a real machine per running instance).
 */
package io.fastgpu.emulator.aliyun;
