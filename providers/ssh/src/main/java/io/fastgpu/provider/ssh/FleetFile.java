package io.fastgpu.provider.ssh;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.UserHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a fleet file:
 * <pre>
 * shared: false
 * defaults: {user: root, port: 22, key: ~/.ssh/id_ed25519}
 * known_hosts: ~/lab/known_hosts      # optional: keys that count as known
 * hosts:
 *   - {host: 10.0.0.11, gpus: 8, gpu_type: V100}
 *   - {host: gpu2, user: ubuntu, jump: bastion.example.com}
 * </pre>
 */
public final class FleetFile {
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY).build();

    private FleetFile() { }

    public static Fleet read(String name, Path file) { return read(name, file, UserHome.get()); }

    /** Reads fleet {@code name} from {@code file}; {@code ~/} in its paths is {@code userHome}. */
    public static Fleet read(String name, Path file, Path userHome) {
        Raw raw;
        try {
            String text = Files.readString(file);
            raw = text.isBlank() ? null : MAPPER.readValue(text, Raw.class); // an empty file lists no hosts
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidSpecException(file + ":" + e.getLocation().getLineNr() + ": unknown key '" + e.getPropertyName()
                    + "'; known: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(file + ":" + (e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":")
                    + " " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read fleet file " + file + ": " + e.getMessage());
        }
        return toFleet(name, file.toString(), raw == null ? new Raw() : raw, file.getParent(), userHome);
    }

    static Fleet toFleet(String name, String where, Raw raw, Path base) { return toFleet(name, where, raw, base, UserHome.get()); }

    static Fleet toFleet(String name, String where, Raw raw, Path base, Path userHome) {
        if (raw.hosts == null || raw.hosts.isEmpty()) {
            throw new InvalidSpecException(where + ": fleet '" + name + "' lists no hosts; add 'hosts: [{host: ...}]'");
        }
        RawHost d = raw.defaults == null ? new RawHost() : raw.defaults;
        List<Fleet.Host> hosts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.hosts.size(); i++) {
            RawHost h = raw.hosts.get(i);
            if (h == null || h.host == null || h.host.isBlank()) {
                throw new InvalidSpecException(where + ": hosts[" + i + "] needs a 'host'");
            }
            int port = h.port != null ? h.port : d.port != null ? d.port : 0;
            if (port < 0 || port > 65535) throw new InvalidSpecException(where + ": hosts[" + i + "]: port must be 1..65535, was " + port);
            Fleet.Host host = new Fleet.Host(h.host.strip(), port, first(h.user, d.user), path(first(h.key, d.key), base, userHome),
                    first(h.jump, d.jump), h.gpus != null ? h.gpus : d.gpus != null ? d.gpus : 0, first(h.gpuType, d.gpuType));
            if (!seen.add(host.id())) {
                throw new InvalidSpecException(where + ": host " + host.display() + " is listed twice in fleet '" + name
                        + "'; each machine may appear once");
            }
            hosts.add(host);
        }
        return new Fleet(name, raw.shared, hosts, path(raw.knownHosts, base, userHome));
    }

    private static String first(String a, String b) { return a != null ? a.strip() : b != null ? b.strip() : ""; }

    private static Path path(String p, Path base, Path userHome) {
        if (p == null || p.isBlank()) return null;
        Path path = Path.of(UserHome.expand(p, userHome));
        return path.isAbsolute() || base == null ? path : base.resolve(path);
    }

    /** The file as written. */
    static final class Raw {
        @JsonProperty("shared") public boolean shared;
        @JsonProperty("defaults") public RawHost defaults;
        @JsonProperty("known_hosts") public String knownHosts;
        @JsonProperty("hosts") public List<RawHost> hosts;
    }

    static final class RawHost {
        @JsonProperty("host") public String host;
        @JsonProperty("port") public Integer port;
        @JsonProperty("user") public String user;
        @JsonProperty("key") public String key;
        @JsonProperty("jump") public String jump;
        @JsonProperty("gpus") public Integer gpus;
        @JsonProperty("gpu_type") public String gpuType;
    }

    /** Names of the fleets in {@code dir}. */
    public static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new InvalidSpecException("cannot list fleets in " + dir + ": " + e.getMessage());
        }
    }
}
