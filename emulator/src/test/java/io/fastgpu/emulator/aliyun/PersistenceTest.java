package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeKeyPairsRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupAttributeRequest;
import com.aliyun.ecs20140526.models.DescribeSecurityGroupsRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.nas20170626.models.CreateFileSystemRequest;
import com.aliyun.nas20170626.models.CreateMountTargetRequest;
import com.aliyun.nas20170626.models.DescribeFileSystemsRequest;
import com.aliyun.nas20170626.models.DescribeMountTargetsRequest;
import com.aliyun.vpc20160428.models.DescribeVSwitchesRequest;
import com.aliyun.vpc20160428.models.DescribeVpcsRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of resource is in the state file and back after a restart. */
class PersistenceTest {
    @TempDir
    Path dir;
    private AliyunEmulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private AliyunEmulator start() throws Exception {
        emulator = new AliyunEmulator(EmulatorFixture.config().loopbackAddresses(true)
                .stateFile(dir.resolve("state/cloud.json")).build()).start();
        return emulator;
    }

    @Test
    void networksGroupsKeysFileSystemsAndInstancesSurviveARestart() throws Exception {
        start();
        EmulatorFixture.Network net = EmulatorFixture.network(emulator);
        Client ecs = EmulatorFixture.client(emulator);
        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(net.securityGroupId()).setIpProtocol("TCP").setPortRange("22/22")
                .setSourceCidrIp("0.0.0.0/0"));
        String publicKey = emulator.publicKeyOf("fastgpu", REGION).orElseThrow();
        var nas = EmulatorFixture.nasClient(emulator);
        String fsId = nas.createFileSystem(new CreateFileSystemRequest().setProtocolType("NFS")
                .setStorageType("Capacity").setZoneId("cn-hangzhou-h")).getBody().getFileSystemId();
        String domain = nas.createMountTarget(new CreateMountTargetRequest().setFileSystemId(fsId).setNetworkType("Vpc")
                .setVpcId(net.vpcId()).setVSwitchId(net.vSwitchId())).getBody().getMountTargetDomain();
        Files.writeString(emulator.nasDirectory(fsId).resolve("data.bin"), "12345");
        String instance = ecs.runInstances(new RunInstancesRequest().setRegionId(REGION)
                .setImageId(EmulatorFixture.IMAGE).setInstanceType("ecs.gn6i-c4g1.xlarge").setKeyPairName("fastgpu")
                .setSecurityGroupId(net.securityGroupId()).setVSwitchId(net.vSwitchId())).getBody().getInstanceIdSets()
                .getInstanceIdSet().get(0);
        emulator.close();

        start();
        Client again = EmulatorFixture.client(emulator);
        var vpc = EmulatorFixture.vpcClient(emulator);
        assertThat(vpc.describeVpcs(new DescribeVpcsRequest().setRegionId(REGION)).getBody().getVpcs().getVpc())
                .extracting(v -> v.getVpcId() + " " + v.getCidrBlock()).containsExactly(net.vpcId() + " 192.168.0.0/16");
        assertThat(vpc.describeVSwitches(new DescribeVSwitchesRequest().setRegionId(REGION)).getBody().getVSwitches()
                .getVSwitch()).extracting(s -> s.getVSwitchId()).containsExactly(net.vSwitchId());
        assertThat(again.describeSecurityGroups(new DescribeSecurityGroupsRequest().setRegionId(REGION)).getBody()
                .getTotalCount()).isEqualTo(1);
        assertThat(again.describeSecurityGroupAttribute(new DescribeSecurityGroupAttributeRequest().setRegionId(REGION)
                .setSecurityGroupId(net.securityGroupId())).getBody().getPermissions().getPermission())
                .extracting(p -> p.getIpProtocol() + " " + p.getPortRange()).containsExactly("TCP 22/22");
        assertThat(again.describeKeyPairs(new DescribeKeyPairsRequest().setRegionId(REGION)).getBody().getTotalCount())
                .isEqualTo(1);
        assertThat(emulator.publicKeyOf("fastgpu", REGION)).hasValue(publicKey);
        var nasAgain = EmulatorFixture.nasClient(emulator);
        assertThat(nasAgain.describeFileSystems(new DescribeFileSystemsRequest().setFileSystemId(fsId)).getBody()
                .getFileSystems().getFileSystem().get(0).getMeteredSize()).isEqualTo(5);
        assertThat(nasAgain.describeMountTargets(new DescribeMountTargetsRequest().setFileSystemId(fsId)).getBody()
                .getMountTargets().getMountTarget()).extracting(m -> m.getMountTargetDomain()).containsExactly(domain);
        assertThat(emulator.nasDirectory(fsId)).isEqualTo(dir.resolve("state/nas").resolve(fsId).toAbsolutePath());
        assertThat(emulator.nasDirectory(fsId).resolve("data.bin")).hasContent("12345");
        var described = again.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)).getBody()
                .getInstances().getInstance();
        assertThat(described).singleElement().satisfies(i -> {
            assertThat(i.getInstanceId()).isEqualTo(instance);
            assertThat(i.getKeyPairName()).isEqualTo("fastgpu");
            assertThat(i.getVpcAttributes().getVpcId()).isEqualTo(net.vpcId());
        });
        assertThat(emulator.instances()).singleElement().satisfies(v -> {
            assertThat(v.privateIp()).isEqualTo("127.78.0.1");
            assertThat(v.publicKey()).isEqualTo(publicKey);
        });

        // The loopback address counter is persisted too: the next instance does not reuse 127.78.0.1.
        again.runInstances(new RunInstancesRequest().setRegionId(REGION).setImageId(EmulatorFixture.IMAGE)
                .setInstanceType("ecs.g7.large").setSecurityGroupId(net.securityGroupId()).setVSwitchId(net.vSwitchId()));
        assertThat(emulator.instances()).extracting(InstanceView::privateIp).containsExactly("127.78.0.1", "127.78.0.2");
    }

    @Test
    void readsAStateFileOfTheFirstFormat() throws Exception {
        Path file = dir.resolve("state/cloud.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"formatVersion": 1, "instances": [{"instanceId": "i-old", "regionId": "cn-hangzhou",
                    "zoneId": "cn-hangzhou-h", "instanceName": "old", "hostName": "old", "description": "",
                    "instanceType": "ecs.g7.xlarge", "imageId": "ubuntu_22_04_x64_20G_alibase_20240101.vhd",
                    "vSwitchId": "vsw-emulated", "securityGroupId": "sg-emulated", "keyPairName": null,
                    "internetMaxBandwidthOut": 0, "spotStrategy": "NoSpot", "systemDiskSize": 40, "tags": [],
                    "privateIp": "192.168.0.2", "publicIp": null, "creationTime": "2024-01-01T00:00:00Z",
                    "status": "Stopped", "statusSince": "2024-01-01T00:00:00Z", "lockReason": null}]}
                """);
        start();

        assertThat(emulator.instances()).extracting(v -> v.instanceId() + " " + v.status())
                .containsExactly("i-old Stopped");
        assertThat(EmulatorFixture.client(emulator).describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setInstanceIds("[\"i-old\"]")).getBody().getInstances().getInstance()).hasSize(1);
        assertThat(List.of(emulator.cloud().state.vpcs.size(), emulator.cloud().state.keyPairs.size()))
                .containsExactly(0, 0);
    }
}
