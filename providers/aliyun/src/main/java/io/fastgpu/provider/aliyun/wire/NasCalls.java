package io.fastgpu.provider.aliyun.wire;

import com.aliyun.nas20170626.models.CreateFileSystemRequest;
import com.aliyun.nas20170626.models.CreateMountTargetRequest;
import com.aliyun.nas20170626.models.DeleteFileSystemRequest;
import com.aliyun.nas20170626.models.DeleteMountTargetRequest;
import com.aliyun.nas20170626.models.DescribeFileSystemsRequest;
import com.aliyun.nas20170626.models.DescribeMountTargetsRequest;

import java.util.ArrayList;
import java.util.List;

/** NAS file systems and their mount targets. */
public final class NasCalls {
    public record FileSystem(String id, String description) { }

    /** Where machines of a VPC mount a file system; {@code status} is {@code Pending} or {@code Active}. */
    public record MountTarget(String domain, String vpcId, String status) { }

    private final CloudApi api;

    public NasCalls(CloudApi api) { this.api = api; }

    /** The file systems of the region (the first 100). */
    public List<FileSystem> fileSystems() {
        var body = api.call("DescribeFileSystems", () -> api.nas().describeFileSystems(new DescribeFileSystemsRequest()
                .setPageSize(100))).getBody();
        List<FileSystem> result = new ArrayList<>();
        if (body.getFileSystems() == null || body.getFileSystems().getFileSystem() == null) return result;
        for (var fs : body.getFileSystems().getFileSystem()) {
            result.add(new FileSystem(fs.getFileSystemId(), InstanceCalls.nz(fs.getDescription())));
        }
        return result;
    }

    /** A standard NFS file system, paid by use; returns its id. */
    public String createFileSystem(String zone, String description) {
        return api.call("CreateFileSystem", () -> api.nas().createFileSystem(new CreateFileSystemRequest()
                .setProtocolType("NFS").setStorageType("Capacity").setFileSystemType("standard")
                .setZoneId(zone).setDescription(description))).getBody().getFileSystemId();
    }

    /** The mount targets of a file system; only the one of {@code domain} when it is not empty. */
    public List<MountTarget> mountTargets(String fileSystemId, String domain) {
        DescribeMountTargetsRequest r = new DescribeMountTargetsRequest().setFileSystemId(fileSystemId);
        if (!domain.isEmpty()) r.setMountTargetDomain(domain);
        var body = api.call("DescribeMountTargets", () -> api.nas().describeMountTargets(r)).getBody();
        List<MountTarget> result = new ArrayList<>();
        if (body.getMountTargets() == null || body.getMountTargets().getMountTarget() == null) return result;
        for (var t : body.getMountTargets().getMountTarget()) {
            result.add(new MountTarget(t.getMountTargetDomain(), InstanceCalls.nz(t.getVpcId()), InstanceCalls.nz(t.getStatus())));
        }
        return result;
    }

    /** Deletes a mount target (the file system keeps its data). */
    public void deleteMountTarget(String fileSystemId, String domain) {
        api.call("DeleteMountTarget", () -> api.nas().deleteMountTarget(new DeleteMountTargetRequest()
                .setFileSystemId(fileSystemId).setMountTargetDomain(domain)));
    }

    /** Deletes a file system and its data; refused while it has mount targets. */
    public void deleteFileSystem(String fileSystemId) {
        api.call("DeleteFileSystem", () -> api.nas().deleteFileSystem(new DeleteFileSystemRequest().setFileSystemId(fileSystemId)));
    }

    /** A mount target in a VPC, open to the VPC's default access group; returns its domain. */
    public String createMountTarget(String fileSystemId, String vpcId, String vSwitchId) {
        return api.call("CreateMountTarget", () -> api.nas().createMountTarget(new CreateMountTargetRequest()
                .setFileSystemId(fileSystemId).setNetworkType("Vpc").setVpcId(vpcId).setVSwitchId(vSwitchId)
                .setAccessGroupName("DEFAULT_VPC_GROUP_NAME"))).getBody().getMountTargetDomain();
    }
}
