package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.CloudError;
import io.fastgpu.provider.aliyun.wire.CloudInstance;
import io.fastgpu.provider.aliyun.wire.InstanceCalls;

import java.time.Duration;

/** Start, stop, release and rename one instance. */
final class Lifecycle {
    /** How long a start waits for an instance that is still stopping. */
    private static final Duration STOPPING_TIMEOUT = Duration.ofMinutes(5);

    private final CloudAccess cloud;
    private final InstanceLookup lookup;
    private final SshConnections ssh;
    private final KnownHosts knownHosts;

    Lifecycle(CloudAccess cloud, InstanceLookup lookup, SshConnections ssh, KnownHosts knownHosts) {
        this.cloud = cloud;
        this.lookup = lookup;
        this.ssh = ssh;
        this.knownHosts = knownHosts;
    }

    private InstanceCalls calls() { return new InstanceCalls(cloud.api()); }

    /**
     * Starts a stopped instance. One still stopping (its stop was asked for moments ago, by a launch that ended or
     * was killed) cannot be started yet: it is waited for until it is stopped, then started.
     */
    void start(String id) {
        try {
            calls().start(id);
        } catch (CloudError e) {
            if (!e.is("IncorrectInstanceStatus") || !"Stopping".equals(lookup.raw(id).status())) throw e;
            if (awaitStopped(id)) calls().start(id);
        }
        lookup.forget(id);
    }

    /** Waits while the instance is Stopping; true once it is Stopped, false if it went another way (started meanwhile). */
    private boolean awaitStopped(String id) {
        long deadline = System.nanoTime() + STOPPING_TIMEOUT.toNanos();
        for (int round = 0; ; round++) {
            CloudInstance i = lookup.raw(id);
            if ("Stopped".equals(i.status())) return true;
            if (!"Stopping".equals(i.status())) return false;
            if (System.nanoTime() > deadline) {
                throw new FastGpuException(i.name() + " (" + id + ") is still stopping after " + STOPPING_TIMEOUT.toSeconds()
                        + " s; start it later with 'fastgpu start " + i.name() + "'");
            }
            CloudApi.sleep(CloudApi.backoff(Math.min(round, 3)).toMillis());
        }
    }

    /** Stops without charging for compute where the instance allows it (pay-as-you-go in a VPC). */
    void stop(String id) {
        CloudInstance raw = lookup.raw(id);
        if ("Stopped".equals(raw.status()) || "Stopping".equals(raw.status())) return;
        Instance i = lookup.seen(raw);
        ssh.disconnect(i);
        calls().stop(id);
        lookup.remember(i.withState(InstanceState.STOPPING));
    }

    /** Releases it, running or not, and forgets the host key of its address (another machine may get it). */
    void destroy(String id) {
        Instance i = lookup.get(id);
        if (!i.publicIp().isEmpty()) {
            ssh.disconnect(i);
            knownHosts.forgetHost(i.publicIp());
        }
        calls().delete(id);
        lookup.forget(id);
    }

    void rename(String id, String newName) {
        if (!newName.matches("[A-Za-z][A-Za-z0-9._:-]{1,127}")) {
            throw new InvalidSpecException("'" + newName + "' is not allowed as an instance name (2-128 letters, digits, '.', '_', ':', '-')");
        }
        if (lookup.list(false).stream().anyMatch(i -> i.name().equals(newName))) {
            throw new FastGpuException("an instance named " + newName + " already exists");
        }
        calls().rename(id, newName);
    }
}
