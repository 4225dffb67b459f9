package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SSH to the machines: as root, with the region's key pair, one connection per machine reused. */
final class SshConnections implements AutoCloseable {
    private final CloudAccess cloud;
    private final KnownHosts knownHosts;
    private final InstanceLookup lookup;
    private SshConnector connector;

    SshConnections(CloudAccess cloud, KnownHosts knownHosts, InstanceLookup lookup) {
        this.cloud = cloud;
        this.knownHosts = knownHosts;
        this.lookup = lookup;
    }

    private synchronized SshConnector connector() {
        if (connector == null) connector = SshConnector.open(knownHosts.file(), List.of(), null, k -> Optional.empty());
        return connector;
    }

    private SshTarget target(Instance i) {
        AliyunSettings s = cloud.settings();
        return new SshTarget(i.publicIp(), s.sshPort(), "root", List.of(s.privateKey()), "");
    }

    /** A transport to the machine, which must be running with a public address (as last seen, or now). */
    Transport transport(Instance instance) {
        Instance i = lookup.recent(instance.id());
        if (i.state() == InstanceState.STOPPED || i.state() == InstanceState.STOPPING) {
            throw new FastGpuException(i.name() + " is " + i.state().label() + "; start it with 'fastgpu start " + i.name() + "'");
        }
        if (i.publicIp().isEmpty()) throw new FastGpuException(i.name() + " has no public address yet (state " + i.state().label() + ")");
        return new SshTransport(connector(), target(i), i.name(), Map.of(), null);
    }

    /** Drops the connection to the machine, if one is open. */
    void disconnect(Instance i) {
        if (!i.publicIp().isEmpty()) connector().disconnect(target(i));
    }

    @Override
    public synchronized void close() {
        if (connector != null) connector.close();
    }
}
