package io.fastgpu.provider.aliyun;

import com.aliyun.nas20170626.models.CreateFileSystemRequest;
import com.aliyun.nas20170626.models.CreateMountTargetRequest;
import com.aliyun.nas20170626.models.DescribeFileSystemsRequest;
import com.aliyun.nas20170626.models.DescribeMountTargetsRequest;
import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NAS file system FastGPU machines of a zone share (opt-in with {@code nas: true}): one NFS file system per
 * zone, found again by its description, with one mount target in the FastGPU VPC. Machines mount it at the run
 * root, so every task sees the same log folder and files.
 */
final class SharedStorage {
    private final CloudApi api;
    private final EventListener events;
    private final String prefix;
    private final Map<String, String> domains = new ConcurrentHashMap<>();

    SharedStorage(CloudApi api, EventListener events, String prefix) {
        this.api = api;
        this.events = events;
        this.prefix = prefix;
    }

    /** The mount target domain for machines of {@code placement}, creating the file system and the target when needed. */
    synchronized String mountDomain(Network.Placement placement) {
        String key = placement.zone() + "/" + placement.vpcId();
        String known = domains.get(key);
        if (known != null) return known;
        String description = prefix + "-nas-" + placement.zone();
        String fsId = null;
        var found = api.call("DescribeFileSystems", () -> api.nas().describeFileSystems(new DescribeFileSystemsRequest()
                .setPageSize(100))).getBody();
        if (found.getFileSystems() != null && found.getFileSystems().getFileSystem() != null) {
            for (var fs : found.getFileSystems().getFileSystem()) {
                if (description.equals(fs.getDescription())) fsId = fs.getFileSystemId();
            }
        }
        if (fsId == null) {
            events.on(new Event.Notice(Event.Level.INFO, "Creating NAS file system " + description + " (NFS, pay by use)"));
            fsId = api.call("CreateFileSystem", () -> api.nas().createFileSystem(new CreateFileSystemRequest()
                    .setProtocolType("NFS").setStorageType("Capacity").setFileSystemType("standard")
                    .setZoneId(placement.zone()).setDescription(description))).getBody().getFileSystemId();
        }
        String id = fsId;
        String domain = null;
        var targets = api.call("DescribeMountTargets", () -> api.nas().describeMountTargets(new DescribeMountTargetsRequest()
                .setFileSystemId(id))).getBody();
        if (targets.getMountTargets() != null && targets.getMountTargets().getMountTarget() != null) {
            for (var t : targets.getMountTargets().getMountTarget()) {
                if (placement.vpcId().equals(t.getVpcId())) domain = t.getMountTargetDomain();
            }
        }
        if (domain == null) {
            domain = api.call("CreateMountTarget", () -> api.nas().createMountTarget(new CreateMountTargetRequest()
                    .setFileSystemId(id).setNetworkType("Vpc").setVpcId(placement.vpcId()).setVSwitchId(placement.vSwitchId())
                    .setAccessGroupName("DEFAULT_VPC_GROUP_NAME"))).getBody().getMountTargetDomain();
        }
        awaitActive(id, domain);
        domains.put(key, domain);
        return domain;
    }

    private void awaitActive(String fsId, String domain) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int round = 0; ; round++) {
            var body = api.call("DescribeMountTargets", () -> api.nas().describeMountTargets(new DescribeMountTargetsRequest()
                    .setFileSystemId(fsId).setMountTargetDomain(domain))).getBody();
            String status = body.getMountTargets() == null || body.getMountTargets().getMountTarget() == null
                    || body.getMountTargets().getMountTarget().isEmpty() ? "missing" : body.getMountTargets().getMountTarget().get(0).getStatus();
            if ("Active".equals(status)) return;
            if (System.nanoTime() > deadline) {
                throw new FastGpuException("NAS mount target " + domain + " did not become Active in 3 minutes (last status " + status + ")");
            }
            CloudApi.sleep(CloudApi.backoff(round).toMillis());
        }
    }

    /** The shell that mounts {@code domain} at {@code dir} on a machine (idempotent). */
    static String mountScript(String domain, String dir) {
        String d = io.fastgpu.core.util.ShellQuote.quote(dir);
        return "mkdir -p " + d + " && { mountpoint -q " + d + " || mount -t nfs -o vers=3,nolock,proto=tcp,noresvport "
                + io.fastgpu.core.util.ShellQuote.quote(domain + ":/") + " " + d + "; }";
    }
}
