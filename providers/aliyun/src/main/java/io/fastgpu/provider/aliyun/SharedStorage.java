package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.ShellQuote;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.NasCalls;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NAS file system FastGPU machines of a zone share (opt-in with {@code nas: true}): one NFS file system per
 * zone, found again by its description, with one mount target in the FastGPU VPC. Machines mount it at the run
 * root, so every task sees the same log folder and files.
 */
final class SharedStorage {
    private final NasCalls nas;
    private final EventListener events;
    private final String prefix;
    private final Map<String, String> domains = new ConcurrentHashMap<>();

    SharedStorage(CloudApi api, EventListener events, String prefix) {
        this.nas = new NasCalls(api);
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
        for (var fs : nas.fileSystems()) if (description.equals(fs.description())) fsId = fs.id();
        if (fsId == null) {
            events.on(new Event.Notice(Event.Level.INFO, "Creating NAS file system " + description + " (NFS, pay by use)"));
            fsId = nas.createFileSystem(placement.zone(), description);
        }
        String domain = null;
        for (var t : nas.mountTargets(fsId, "")) if (placement.vpcId().equals(t.vpcId())) domain = t.domain();
        if (domain == null) domain = nas.createMountTarget(fsId, placement.vpcId(), placement.vSwitchId());
        awaitActive(fsId, domain);
        domains.put(key, domain);
        return domain;
    }

    private void awaitActive(String fsId, String domain) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int round = 0; ; round++) {
            var targets = nas.mountTargets(fsId, domain);
            String status = targets.isEmpty() ? "missing" : targets.get(0).status();
            if ("Active".equals(status)) return;
            if (System.nanoTime() > deadline) {
                throw new FastGpuException("NAS mount target " + domain + " did not become Active in 3 minutes (last status " + status + ")");
            }
            CloudApi.sleep(CloudApi.backoff(round).toMillis());
        }
    }

    /** The shell that mounts {@code domain} at {@code dir} on a machine (idempotent). */
    static String mountScript(String domain, String dir) {
        String d = ShellQuote.quote(dir);
        return "mkdir -p " + d + " && { mountpoint -q " + d + " || mount -t nfs -o vers=3,nolock,proto=tcp,noresvport "
                + ShellQuote.quote(domain + ":/") + " " + d + "; }";
    }
}
