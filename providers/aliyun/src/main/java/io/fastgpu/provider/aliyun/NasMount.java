package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.facet.NetworkStorage;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The zone's shared NAS at a machine's run root: on machines launched with {@code nas: true} (tagged with the mount
 * target, mounted as soon as they answer) and on any running one by {@code fastgpu mount}.
 */
final class NasMount implements NetworkStorage {
    /** A failure to mount: not something waiting longer would fix. */
    static final class NotMountedException extends FastGpuException {
        NotMountedException(String message) { super(message); }
    }

    private final CloudAccess cloud;
    private final InstanceLookup lookup;
    private final SshConnections ssh;

    NasMount(CloudAccess cloud, InstanceLookup lookup, SshConnections ssh) {
        this.cloud = cloud;
        this.lookup = lookup;
        this.ssh = ssh;
    }

    /** Mounts the zone's shared NAS at the run root of a running instance (creating the file system if needed). */
    @Override
    public String mount(Instance instance) {
        Instance i = lookup.get(instance.id());
        if (!i.state().isRunning()) throw new FastGpuException(i.name() + " is " + i.state().label() + "; start it first");
        Network.Placement where = cloud.network(null).in(i.tags().getOrDefault(InstanceMapper.ZONE_TAG, ""));
        String domain = cloud.storage().mountDomain(where);
        Transport t = ssh.transport(i);
        String dir = t.home() + "/fastgpu";
        mountAt(i, t, domain, dir);
        return domain + " at " + dir;
    }

    /** Mounts {@code domain} at {@code dir} over {@code t} (nothing to do when it is mounted already). */
    static void mountAt(Instance inst, Transport t, String domain, String dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = t.exec(SharedStorage.mountScript(domain, dir), new OutputSink() {
            @Override public void stdout(byte[] b, int n) { }
            @Override public void stderr(byte[] b, int n) { err.write(b, 0, n); }
        }, Duration.ofMinutes(2));
        if (rc != 0) {
            throw new NotMountedException(inst.name() + ": could not mount NAS " + domain + " at " + dir + " (exit " + rc + "): "
                    + err.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s*\\n\\s*", "; "));
        }
    }
}
