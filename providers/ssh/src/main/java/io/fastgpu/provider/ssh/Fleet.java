package io.fastgpu.provider.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Machines a team already has, reachable by SSH, named in {@code ~/.fastgpu/fleets/NAME.yaml}.
 *
 * @param name       fleet name (the file's name)
 * @param shared     whether two jobs may use one host at once
 * @param hosts      the machines, in the order jobs claim them
 * @param knownHosts an extra known-hosts file whose keys count as known, or null
 */
public record Fleet(String name, boolean shared, List<Host> hosts, Path knownHosts) {
    public Fleet {
        Objects.requireNonNull(name, "name");
        hosts = List.copyOf(hosts);
    }

    /**
     * One machine of a fleet.
     *
     * @param host    address or SSH config alias
     * @param port    port, 0 for the SSH config's or 22
     * @param user    login user, empty for the SSH config's
     * @param key     private key file, or null for the SSH config's
     * @param jump    jump host {@code [user@]host[:port]}, empty for none
     * @param gpus    GPU count if known, else 0
     * @param gpuType GPU model if known, else empty
     */
    public record Host(String host, int port, String user, Path key, String jump, int gpus, String gpuType) {
        /** Stable identity of the machine within FastGPU: {@code host_port}, safe in file names. */
        public String id() {
            String raw = host + "_" + (port == 0 ? 22 : port);
            StringBuilder id = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                boolean safe = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
                id.append(safe ? c : '_');
            }
            return id.toString();
        }

        public String display() { return host + (port == 0 || port == 22 ? "" : ":" + port); }
    }
}
