package io.fastgpu.provider.aliyun;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.provider.aliyun.wire.CloudApi;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every part of the provider shares, each made on first use: the settings, the API of the region (which needs
 * credentials, so a provider without them can still be made and asked whether it is configured), the instance type
 * table, the networks, the key pair and the shared storage.
 */
final class CloudAccess {
    private final Path home;
    private final EventListener events;
    private final Map<String, String> env;
    private final Path userHome;
    private final Map<String, Network> networks = new ConcurrentHashMap<>();
    private AliyunSettings settings;
    private CloudApi api;
    private Catalog catalog;
    private KeyPairs keyPairs;
    private SharedStorage storage;

    CloudAccess(Path home, EventListener events, Map<String, String> env, Path userHome) {
        this.home = home;
        this.events = events;
        this.env = Map.copyOf(env);
        this.userHome = userHome;
    }

    Path home() { return home; }

    EventListener events() { return events; }

    boolean configured() {
        try {
            Credentials.resolve(env, userHome);
            return true;
        } catch (FastGpuException e) {
            return false;
        }
    }

    synchronized AliyunSettings settings() {
        if (settings == null) {
            String profileRegion = "";
            try {
                profileRegion = Credentials.resolve(env, userHome).region();
            } catch (FastGpuException e) {
                // No credentials yet: the region still comes from the environment or the default.
            }
            settings = AliyunSettings.from(env, home, profileRegion);
        }
        return settings;
    }

    /** The API of the region; fails with one line when there are no credentials. */
    synchronized CloudApi api() {
        if (api == null) {
            Credentials c = Credentials.resolve(env, userHome);
            api = new CloudApi(settings().apiEndpoint(), c.accessKeyId(), c.accessKeySecret());
        }
        return api;
    }

    /** API calls made so far (for benchmarks); 0 before the first. */
    synchronized long apiCalls() { return api == null ? 0 : api.callCount(); }

    String region() { return settings().region(); }

    synchronized Catalog catalog() {
        if (catalog == null) catalog = Catalog.load(home);
        return catalog;
    }

    /** The FastGPU network named {@code vpcName}, or the default one when it is null or empty. */
    Network network(String vpcName) {
        String name = vpcName == null || vpcName.isBlank() ? settings().prefix() + "-vpc" : vpcName;
        return networks.computeIfAbsent(name, k -> new Network(api(), events, settings().prefix(), k));
    }

    synchronized KeyPairs keyPairs() {
        if (keyPairs == null) keyPairs = new KeyPairs(api(), events, settings());
        return keyPairs;
    }

    synchronized SharedStorage storage() {
        if (storage == null) storage = new SharedStorage(api(), events, settings().prefix());
        return storage;
    }
}
