package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** SSH hosts that tests put in fleets: where they listen, and who logs in to them with which key. */
interface FleetHosts {
    /** Their addresses, in fleet order. */
    List<String> ips();

    /** The port every one of them listens on. */
    int port();

    /** The user to log in as. */
    default String user() { return "root"; }

    /** A private key that logs in as {@link #user()} on all of them. */
    Path key();

    /** A known-hosts file with their host keys, or null (then they are pinned on first connect). */
    Path knownHosts();

    /** Writes fleet {@code name} of the first {@code count} hosts into {@code home/fleets}. */
    default Path writeFleet(Path home, String name, int count, boolean shared) {
        StringBuilder sb = new StringBuilder("shared: " + shared + "\n")
                .append("defaults: {user: ").append(user()).append(", port: ").append(port()).append(", key: ").append(key()).append("}\n");
        if (knownHosts() != null) sb.append("known_hosts: ").append(knownHosts()).append("\n");
        sb.append("hosts:\n");
        for (String ip : ips().subList(0, count)) sb.append("  - {host: ").append(ip).append("}\n");
        try {
            Path f = home.resolve("fleets").resolve(name + ".yaml");
            Files.createDirectories(f.getParent());
            return Files.writeString(f, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options for a one-task job {@code name} on a fleet {@code lab} of the first host, written into {@code home}. */
    default JobOptions oneHostJob(String name, Path home) {
        writeFleet(home, "lab", 1, false);
        return job(name, "lab", 1);
    }

    /** Options for a job of {@code tasks} tasks on fleet {@code fleet}. */
    static JobOptions job(String name, String fleet, int tasks) {
        return JobOptions.builder(name).numTasks(tasks).backend(SshProvider.NAME)
                .backendOptions(Map.of(SshProvider.FLEET, fleet)).build();
    }
}
