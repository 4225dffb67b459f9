package io.fastgpu.provider.aliyun;

import io.fastgpu.core.spi.facet.HostKeyStore;
import io.fastgpu.transport.ssh.SshConnector;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pinned SSH host keys of the region's machines ({@code aliyun/known_hosts} in the FastGPU home). A public address
 * the cloud hands to a new machine may have served another before: the key pinned for it is forgotten when the new
 * machine is first reached, and when a machine is released.
 */
final class KnownHosts implements HostKeyStore {
    private final Path file;
    /** Instances this process created, whose address has not been reached yet. */
    private final Set<String> fresh = ConcurrentHashMap.newKeySet();

    KnownHosts(Path home) { this.file = home.resolve("aliyun").resolve("known_hosts"); }

    Path file() { return file; }

    @Override
    public boolean forgetHost(String host) { return SshConnector.forgetHost(file, host); }

    @Override
    public String location() { return file.toString(); }

    /** Notes that instance {@code id} was just made, so the key pinned for its address belongs to another machine. */
    void madeNew(String id) { fresh.add(id); }

    /** Forgets the key of {@code ip} when {@code id} is a new machine reached for the first time. */
    void forgetIfNew(String id, String ip) {
        if (fresh.remove(id)) forgetHost(ip);
    }
}
