package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.dryRun;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The NAS API (version 2017-06-26, RPC style): CreateFileSystem, DescribeFileSystems,
 * CreateMountTarget, DescribeMountTargets, DeleteMountTarget, DeleteFileSystem, for General-purpose
 * ({@code standard}) NFS file systems in a VPC. NAS calls carry no RegionId: the region follows
 * the zone (or the VPC), else the first configured region; listings without one span all regions.
 * Each file system is backed by a host folder that is created with it and removed with it.
 */
final class NasActions {
    /** The NAS API version. */
    static final String VERSION = "2017-06-26";
    /** NAS shows local China time with a {@code CST} suffix unless asked for UTC. */
    private static final DateTimeFormatter CST =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'CST'").withZone(ZoneOffset.ofHours(8));
    private static final Set<String> STORAGE_TYPES = Set.of("Performance", "Capacity", "Premium");
    private static final String HEX = "0123456789abcdef";

    private final Cloud cloud;
    private final EmulatorState state;
    private final NasFolders folders;

    NasActions(Cloud cloud, NasFolders folders) {
        this.cloud = cloud;
        this.state = cloud.state;
        this.folders = folders;
    }

    void register(Product nas) {
        nas.add("CreateFileSystem", this::createFileSystem);
        nas.add("DescribeFileSystems", this::describeFileSystems);
        nas.add("DeleteFileSystem", this::deleteFileSystem);
        nas.add("CreateMountTarget", this::createMountTarget);
        nas.add("DescribeMountTargets", this::describeMountTargets);
        nas.add("DeleteMountTarget", this::deleteMountTarget);
    }

    /** Host part of error bodies. */
    static String hostId(ApiRequest req) {
        String region = req.param("RegionId");
        return region == null ? "nas.aliyuncs.com" : "nas." + region + ".aliyuncs.com";
    }

    static ApiError fileSystemNotFound() {
        return new ApiError(404, "InvalidFileSystem.NotFound", "The specified file system does not exist.");
    }

    private FileSystemRecord requireFileSystem(ApiRequest req) {
        FileSystemRecord fs = state.fileSystems.get(require(req, "FileSystemId"));
        if (fs == null || (req.param("RegionId") != null && !req.param("RegionId").equals(fs.regionId()))) {
            throw fileSystemNotFound();
        }
        return fs;
    }

    private String time(String isoInstant, ApiRequest req) {
        Instant at = Instant.parse(isoInstant);
        return Params.boolParam(req, "UseUTCDateTime") ? Params.SECONDS.format(at) : CST.format(at);
    }

    // ---------------------------------------------------------------- file systems

    private ObjectNode createFileSystem(ApiRequest req) {
        String protocol = require(req, "ProtocolType");
        String storage = require(req, "StorageType");
        String type = req.param("FileSystemType") == null ? "standard" : req.param("FileSystemType");
        if (!type.equals("standard")) {
            throw ApiError.invalidParameter("FileSystemType",
                    "The emulator offers standard (General-purpose) file systems only.");
        }
        if (!protocol.equals("NFS") && !protocol.equals("SMB")) {
            throw ApiError.invalidParameter("ProtocolType", "Valid values: NFS, SMB.");
        }
        if (!STORAGE_TYPES.contains(storage)) {
            throw ApiError.invalidParameter("StorageType", "Valid values: Performance, Capacity, Premium.");
        }
        String zoneId = req.param("ZoneId");
        String regionId;
        if (zoneId != null) {
            regionId = cloud.regionOfZone(zoneId);
            if (regionId == null || (req.param("RegionId") != null && !req.param("RegionId").equals(regionId))) {
                throw new ApiError(404, "InvalidZoneId.NotFound", "The specified zone does not exist.");
            }
        } else {
            EmulatorConfig.RegionSpec region = req.param("RegionId") == null
                    ? cloud.regions.values().iterator().next() : cloud.regions.get(req.param("RegionId"));
            if (region == null) {
                throw new ApiError(404, "InvalidRegionId.NotFound", "The specified region does not exist.");
            }
            regionId = region.regionId();
            zoneId = region.zones().get(0).zoneId();
        }
        String description = req.param("Description");
        dryRun(req);
        String id = cloud.newId("", 10, HEX, state.fileSystems::containsKey);
        state.fileSystems.put(id, new FileSystemRecord(id, regionId, zoneId, protocol, storage, type,
                description == null ? "" : description, cloud.now()));
        folders.create(id);
        cloud.changed();
        return JSON.createObjectNode().put("FileSystemId", id);
    }

    /** Filters: FileSystemId, FileSystemType, VpcId (a mount target in it); PageSize up to 100. */
    private ObjectNode describeFileSystems(ApiRequest req) {
        String id = req.param("FileSystemId");
        if (id != null && !state.fileSystems.containsKey(id)) {
            throw fileSystemNotFound();
        }
        String region = req.param("RegionId");
        String type = req.param("FileSystemType");
        String vpcId = req.param("VpcId");
        List<FileSystemRecord> matches = new ArrayList<>();
        for (FileSystemRecord fs : state.fileSystems.values()) {
            if ((id == null || id.equals(fs.fileSystemId())) && (region == null || region.equals(fs.regionId()))
                    && (type == null || type.equals("all") || type.equals(fs.fileSystemType()))
                    && (vpcId == null || mountTargets(fs.fileSystemId()).stream().anyMatch(m -> vpcId.equals(m.vpcId())))) {
                matches.add(fs);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        List<FileSystemRecord> page = Params.page(req, body, matches, 100);
        ArrayNode list = body.putObject("FileSystems").putArray("FileSystem");
        for (FileSystemRecord fs : page) {
            ObjectNode o = list.addObject()
                    .put("FileSystemId", fs.fileSystemId())
                    .put("Description", fs.description())
                    .put("CreateTime", time(fs.createTime(), req))
                    .put("RegionId", fs.regionId())
                    .put("ZoneId", fs.zoneId())
                    .put("ProtocolType", fs.protocolType())
                    .put("StorageType", fs.storageType())
                    .put("FileSystemType", fs.fileSystemType())
                    .put("MeteredSize", folders.usedBytes(fs.fileSystemId()))
                    .put("Capacity", fs.storageType().equals("Capacity") ? 10485760L : 1048576L)
                    .put("ChargeType", "PayAsYouGo")
                    .put("EncryptType", 0)
                    .put("Version", "")
                    .put("Status", cloud.ready(fs.createTime()) ? "Running" : "Pending");
            ArrayNode targets = o.putObject("MountTargets").putArray("MountTarget");
            for (MountTargetRecord m : mountTargets(fs.fileSystemId())) {
                targets.addObject()
                        .put("MountTargetDomain", m.mountTargetDomain())
                        .put("NetworkType", m.networkType())
                        .put("VpcId", m.vpcId())
                        .put("VswId", m.vSwitchId())
                        .put("AccessGroupName", m.accessGroupName())
                        .put("Status", mountTargetStatus(m));
            }
            o.putObject("Packages").putArray("Package");
            o.putObject("Tags").putArray("Tag");
        }
        return body;
    }

    private List<MountTargetRecord> mountTargets(String fileSystemId) {
        return state.mountTargets.values().stream().filter(m -> m.fileSystemId().equals(fileSystemId)).toList();
    }

    private String mountTargetStatus(MountTargetRecord m) {
        return cloud.ready(m.createTime()) ? "Active" : "Pending";
    }

    /** Refused while mount targets remain; removes the host folder and its data. */
    private ObjectNode deleteFileSystem(ApiRequest req) {
        FileSystemRecord fs = requireFileSystem(req);
        if (!mountTargets(fs.fileSystemId()).isEmpty()) {
            throw new ApiError(403, "OperationDenied.HasMountTargets",
                    "The specified file system has mount targets; delete them first.");
        }
        state.fileSystems.remove(fs.fileSystemId());
        cloud.changed();
        folders.delete(fs.fileSystemId());
        return JSON.createObjectNode();
    }

    // ---------------------------------------------------------------- mount targets

    private ObjectNode createMountTarget(ApiRequest req) {
        FileSystemRecord fs = requireFileSystem(req);
        String networkType = req.param("NetworkType") == null ? "Vpc" : req.param("NetworkType");
        if (!networkType.equalsIgnoreCase("Vpc")) {
            throw ApiError.invalidParameter("NetworkType", "The emulator offers mount targets in a VPC only (Vpc).");
        }
        String vpcId = require(req, "VpcId");
        String vSwitchId = require(req, "VSwitchId");
        String accessGroup = req.param("AccessGroupName") == null ? "DEFAULT_VPC_GROUP_NAME" : req.param("AccessGroupName");
        if (!cloud.ready(fs.createTime())) {
            throw new ApiError(403, "OperationDenied.FileSystemStatus",
                    "The specified operation is denied as the file system status does not support it.");
        }
        VpcRecord vpc = state.vpcs.get(vpcId);
        if (vpc == null || !vpc.regionId().equals(fs.regionId())) {
            throw VpcActions.vpcNotFound();
        }
        VSwitchRecord vSwitch = state.vSwitches.get(vSwitchId);
        if (vSwitch == null || !vSwitch.regionId().equals(fs.regionId())) {
            throw new ApiError(404, "InvalidVSwitchId.NotFound", "The specified vSwitch does not exist.");
        }
        if (!vSwitch.vpcId().equals(vpcId)) {
            throw ApiError.invalidParameter("VSwitchId", "The vSwitch is not in the specified VPC.");
        }
        dryRun(req);
        String domain = cloud.newId(fs.fileSystemId() + "-", 5, state.mountTargets::containsKey)
                + "." + fs.regionId() + ".nas.aliyuncs.com";
        state.mountTargets.put(domain, new MountTargetRecord(domain, fs.fileSystemId(), fs.regionId(), "Vpc", vpcId,
                vSwitchId, accessGroup, cloud.now()));
        cloud.changed();
        return JSON.createObjectNode().put("MountTargetDomain", domain);
    }

    private MountTargetRecord requireMountTarget(ApiRequest req, FileSystemRecord fs) {
        MountTargetRecord m = state.mountTargets.get(require(req, "MountTargetDomain"));
        if (m == null || !m.fileSystemId().equals(fs.fileSystemId())) {
            throw new ApiError(404, "InvalidMountTarget.NotFound", "The specified mount target does not exist.");
        }
        return m;
    }

    private ObjectNode describeMountTargets(ApiRequest req) {
        FileSystemRecord fs = requireFileSystem(req);
        List<MountTargetRecord> matches = req.param("MountTargetDomain") == null ? mountTargets(fs.fileSystemId())
                : List.of(requireMountTarget(req, fs));
        ObjectNode body = JSON.createObjectNode();
        List<MountTargetRecord> page = Params.page(req, body, matches, 100);
        ArrayNode list = body.putObject("MountTargets").putArray("MountTarget");
        for (MountTargetRecord m : page) {
            ObjectNode o = list.addObject()
                    .put("MountTargetDomain", m.mountTargetDomain())
                    .put("NetworkType", m.networkType())
                    .put("VpcId", m.vpcId())
                    .put("VswId", m.vSwitchId())
                    .put("AccessGroup", m.accessGroupName())
                    .put("Status", mountTargetStatus(m))
                    .put("DualStackMountTargetDomain", "");
            o.putObject("ClientMasterNodes").putArray("ClientMasterNode");
        }
        return body;
    }

    private ObjectNode deleteMountTarget(ApiRequest req) {
        FileSystemRecord fs = requireFileSystem(req);
        MountTargetRecord m = requireMountTarget(req, fs);
        state.mountTargets.remove(m.mountTargetDomain());
        cloud.changed();
        return JSON.createObjectNode();
    }
}
