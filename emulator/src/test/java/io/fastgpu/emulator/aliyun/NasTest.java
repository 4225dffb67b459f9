package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.nas20170626.Client;
import com.aliyun.nas20170626.models.CreateFileSystemRequest;
import com.aliyun.nas20170626.models.CreateMountTargetRequest;
import com.aliyun.nas20170626.models.DeleteFileSystemRequest;
import com.aliyun.nas20170626.models.DeleteMountTargetRequest;
import com.aliyun.nas20170626.models.DescribeFileSystemsRequest;
import com.aliyun.nas20170626.models.DescribeFileSystemsResponseBody;
import com.aliyun.nas20170626.models.DescribeMountTargetsRequest;
import com.aliyun.nas20170626.models.DescribeMountTargetsResponseBody;
import com.aliyun.tea.TeaException;
import com.aliyun.vpc20160428.models.DeleteVSwitchRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** NAS file systems and mount targets through the official NAS SDK, which signs RPC-style with HMAC-SHA1. */
class NasTest {
    private AliyunEmulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private Client start(EmulatorConfig.Builder config) throws Exception {
        emulator = new AliyunEmulator(config.build()).start();
        return EmulatorFixture.nasClient(emulator);
    }

    private static CreateFileSystemRequest standard() {
        return new CreateFileSystemRequest().setProtocolType("NFS").setStorageType("Performance")
                .setFileSystemType("standard").setZoneId("cn-hangzhou-h").setDescription("datasets");
    }

    @Test
    void createsAFileSystemAndMountsItInAVpc() throws Exception {
        Client nas = start(EmulatorFixture.config());
        EmulatorFixture.Network net = EmulatorFixture.network(emulator);

        String fsId = nas.createFileSystem(standard()).getBody().getFileSystemId();
        assertThat(fsId).matches("[0-9a-f]{10}");
        String domain = nas.createMountTarget(new CreateMountTargetRequest().setFileSystemId(fsId).setNetworkType("Vpc")
                .setVpcId(net.vpcId()).setVSwitchId(net.vSwitchId()).setAccessGroupName("DEFAULT_VPC_GROUP_NAME"))
                .getBody().getMountTargetDomain();
        assertThat(domain).matches(fsId + "-[a-z0-9]{5}\\.cn-hangzhou\\.nas\\.aliyuncs\\.com");

        DescribeMountTargetsResponseBody targets = nas.describeMountTargets(new DescribeMountTargetsRequest()
                .setFileSystemId(fsId).setMountTargetDomain(domain)).getBody();
        assertThat(targets.getTotalCount()).isEqualTo(1);
        assertThat(targets.getMountTargets().getMountTarget()).singleElement().satisfies(m -> {
            assertThat(m.getMountTargetDomain()).isEqualTo(domain);
            assertThat(m.getStatus()).isEqualTo("Active");
            assertThat(m.getNetworkType()).isEqualTo("Vpc");
            assertThat(m.getVpcId()).isEqualTo(net.vpcId());
            assertThat(m.getVswId()).isEqualTo(net.vSwitchId());
            assertThat(m.getAccessGroup()).isEqualTo("DEFAULT_VPC_GROUP_NAME");
        });

        // The host folder behind the file system is where its data lives.
        Path folder = emulator.nasDirectory(fsId);
        Files.writeString(folder.resolve("hello.txt"), "hello nas");
        DescribeFileSystemsResponseBody described = nas.describeFileSystems(new DescribeFileSystemsRequest()
                .setFileSystemId(fsId)).getBody();
        assertThat(described.getTotalCount()).isEqualTo(1);
        assertThat(described.getFileSystems().getFileSystem()).singleElement().satisfies(fs -> {
            assertThat(fs.getStatus()).isEqualTo("Running");
            assertThat(fs.getProtocolType()).isEqualTo("NFS");
            assertThat(fs.getStorageType()).isEqualTo("Performance");
            assertThat(fs.getFileSystemType()).isEqualTo("standard");
            assertThat(fs.getZoneId()).isEqualTo("cn-hangzhou-h");
            assertThat(fs.getRegionId()).isEqualTo("cn-hangzhou");
            assertThat(fs.getDescription()).isEqualTo("datasets");
            assertThat(fs.getMeteredSize()).isEqualTo(9);
            assertThat(fs.getCreateTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dCST");
            assertThat(fs.getMountTargets().getMountTarget()).extracting(m -> m.getMountTargetDomain())
                    .containsExactly(domain);
        });
        assertThat(nas.describeFileSystems(new DescribeFileSystemsRequest().setFileSystemId(fsId).setUseUTCDateTime(true))
                .getBody().getFileSystems().getFileSystem().get(0).getCreateTime()).endsWith("Z");
        assertThat(nas.describeFileSystems(new DescribeFileSystemsRequest().setVpcId(net.vpcId())).getBody()
                .getTotalCount()).isEqualTo(1);

        // Order of teardown: the vSwitch and the file system are held by the mount target.
        assertThat(failure(() -> EmulatorFixture.vpcClient(emulator).deleteVSwitch(new DeleteVSwitchRequest()
                .setRegionId("cn-hangzhou").setVSwitchId(net.vSwitchId()))).getCode()).isEqualTo("DependencyViolation");
        assertThat(failure(() -> nas.deleteFileSystem(new DeleteFileSystemRequest().setFileSystemId(fsId))).getCode())
                .isEqualTo("OperationDenied.HasMountTargets");
        nas.deleteMountTarget(new DeleteMountTargetRequest().setFileSystemId(fsId).setMountTargetDomain(domain));
        TeaException mountGone = failure(() -> nas.describeMountTargets(new DescribeMountTargetsRequest()
                .setFileSystemId(fsId).setMountTargetDomain(domain)));
        assertThat(mountGone.getCode()).isEqualTo("InvalidMountTarget.NotFound");
        assertThat(mountGone.getStatusCode()).isEqualTo(404);
        nas.deleteFileSystem(new DeleteFileSystemRequest().setFileSystemId(fsId));
        assertThat(folder).doesNotExist();
        TeaException fsGone = failure(() -> nas.describeFileSystems(new DescribeFileSystemsRequest().setFileSystemId(fsId)));
        assertThat(fsGone.getCode()).isEqualTo("InvalidFileSystem.NotFound");
        assertThat(fsGone.getStatusCode()).isEqualTo(404);
        assertThatThrownBy(() -> emulator.nasDirectory(fsId)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paginatesFileSystems() throws Exception {
        Client nas = start(EmulatorFixture.config());
        for (int i = 0; i < 3; i++) {
            nas.createFileSystem(standard());
        }

        DescribeFileSystemsResponseBody page = nas.describeFileSystems(new DescribeFileSystemsRequest()
                .setPageNumber(2).setPageSize(2)).getBody();

        assertThat(page.getTotalCount()).isEqualTo(3);
        assertThat(page.getPageNumber()).isEqualTo(2);
        assertThat(page.getFileSystems().getFileSystem()).hasSize(1);
    }

    @Test
    void refusesBadRequests() throws Exception {
        Client nas = start(EmulatorFixture.config().networkLatency(Duration.ofMinutes(1)));

        assertThat(failure(() -> nas.createFileSystem(standard().setProtocolType(null))).getCode())
                .isEqualTo("MissingParameter");
        assertThat(failure(() -> nas.createFileSystem(standard().setStorageType("Floppy"))).getCode())
                .isEqualTo("InvalidParameter");
        assertThat(failure(() -> nas.createFileSystem(standard().setFileSystemType("cpfs"))).getCode())
                .isEqualTo("InvalidParameter");
        assertThat(failure(() -> nas.createFileSystem(standard().setZoneId("cn-hangzhou-z"))).getCode())
                .isEqualTo("InvalidZoneId.NotFound");
        assertThat(failure(() -> nas.createMountTarget(new CreateMountTargetRequest().setFileSystemId("0123456789")
                .setNetworkType("Vpc").setVpcId("vpc-x").setVSwitchId("vsw-x"))).getCode())
                .isEqualTo("InvalidFileSystem.NotFound");
        // Pending for the configured latency: no mount target yet.
        String fsId = nas.createFileSystem(standard()).getBody().getFileSystemId();
        assertThat(nas.describeFileSystems(new DescribeFileSystemsRequest().setFileSystemId(fsId)).getBody()
                .getFileSystems().getFileSystem().get(0).getStatus()).isEqualTo("Pending");
        assertThat(failure(() -> nas.createMountTarget(new CreateMountTargetRequest().setFileSystemId(fsId)
                .setNetworkType("Vpc").setVpcId("vpc-x").setVSwitchId("vsw-x"))).getCode())
                .isEqualTo("OperationDenied.FileSystemStatus");
    }

    @Test
    void throttlesNasActionsToo() throws Exception {
        Client nas = start(EmulatorFixture.config().throttle("DescribeFileSystems", 1));
        java.util.List<String> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try {
                nas.describeFileSystems(new DescribeFileSystemsRequest());
                outcomes.add("ok");
            } catch (TeaException e) {
                outcomes.add(e.getCode() + "/" + e.getStatusCode());
            }
        }
        assertThat(outcomes).contains("ok", "Throttling.User/400");
    }

    @Test
    void checksTheMountTargetNetwork() throws Exception {
        Client nas = start(EmulatorFixture.config());
        EmulatorFixture.Network net = EmulatorFixture.network(emulator);
        String fsId = nas.createFileSystem(standard()).getBody().getFileSystemId();
        CreateMountTargetRequest mount = new CreateMountTargetRequest().setFileSystemId(fsId).setNetworkType("Vpc")
                .setVpcId(net.vpcId()).setVSwitchId(net.vSwitchId());

        assertThat(failure(() -> nas.createMountTarget(mount.setVpcId("vpc-nothere"))).getCode())
                .isEqualTo("InvalidVpcId.NotFound");
        assertThat(failure(() -> nas.createMountTarget(mount.setVpcId(net.vpcId()).setVSwitchId("vsw-nothere")))
                .getCode()).isEqualTo("InvalidVSwitchId.NotFound");
        assertThat(failure(() -> nas.createMountTarget(mount.setVSwitchId(net.vSwitchId()).setNetworkType("Classic")))
                .getCode()).isEqualTo("InvalidParameter");
    }
}
