package io.fastgpu.provider.slurm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;
import io.fastgpu.core.util.UserHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a cluster file:
 * <pre>
 * local: true                    # FastGPU runs on a login node; or:
 * login: {host: login.hpc.example.org, user: alice, key: ~/.ssh/id_ed25519}
 * shared_home: true              # the nodes see the login's home
 * partition: gpu
 * account: lab
 * qos: normal
 * gres: gpu:8
 * time: 4:00:00
 * constraint: a100
 * </pre>
 */
public final class ClusterFile {
    /** Made on the first read, not when a command only lists the clusters (most machines have none). */
    private static final class Yaml {
        static final YAMLMapper MAPPER = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    private ClusterFile() { }

    /** The cluster {@code name} of {@code dir}, or a one-line error with a suggestion when there is none. */
    public static Cluster find(String name, Path dir, Path userHome) {
        if (name == null || name.isBlank()) {
            throw new InvalidSpecException("backend 'slurm' needs a cluster: add 'cluster: NAME' to the job file ("
                    + dir + "/NAME.yaml says how to reach it)");
        }
        Path f = dir.resolve(name + ".yaml");
        if (!Files.isRegularFile(f)) {
            List<String> names = names(dir);
            String hint = Suggest.closest(name, names).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("no Slurm cluster '" + name + "'" + hint + ": create " + f
                    + (names.isEmpty() ? "" : "; clusters: " + String.join(", ", names)));
        }
        return read(name, f, userHome);
    }

    /** Reads cluster {@code name} from {@code file}; {@code ~/} in its paths is {@code userHome}. */
    public static Cluster read(String name, Path file, Path userHome) {
        Raw raw;
        try {
            String text = Files.readString(file);
            raw = text.isBlank() ? new Raw() : Yaml.MAPPER.readValue(text, Raw.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidSpecException(file + ":" + e.getLocation().getLineNr() + ": unknown key '" + e.getPropertyName()
                    + "'; known: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(file + ":" + (e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":")
                    + " " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read cluster file " + file + ": " + e.getMessage());
        }
        boolean hasLogin = raw.login != null && raw.login.host != null && !raw.login.host.isBlank();
        if (raw.local == hasLogin) {
            throw new InvalidSpecException(file + ": say how to reach cluster '" + name + "': either 'local: true' (FastGPU runs"
                    + " on a login node) or 'login: {host: ...}' (a login host reached over SSH), not " + (hasLogin ? "both" : "neither"));
        }
        Cluster.Login login = null;
        if (hasLogin) {
            int port = raw.login.port == null ? 0 : raw.login.port;
            if (port < 0 || port > 65535) throw new InvalidSpecException(file + ": login.port must be 1..65535, was " + port);
            login = new Cluster.Login(raw.login.host.strip(), port, raw.login.user == null ? "" : raw.login.user.strip(),
                    path(raw.login.key, file.getParent(), userHome), raw.login.jump == null ? "" : raw.login.jump.strip());
        }
        return new Cluster(name, raw.local, login, raw.sharedHome == null || raw.sharedHome,
                raw.workdir == null ? null : raw.local ? UserHome.expand(raw.workdir, userHome) : raw.workdir,
                raw.slurmConf == null ? "" : UserHome.expand(raw.slurmConf, userHome),
                path(raw.knownHosts, file.getParent(), userHome),
                new Cluster.Defaults(raw.partition, raw.account, raw.qos, raw.gres, raw.time, raw.constraint));
    }

    private static Path path(String p, Path base, Path userHome) {
        if (p == null || p.isBlank()) return null;
        Path path = Path.of(UserHome.expand(p.strip(), userHome));
        return path.isAbsolute() || base == null ? path : base.resolve(path);
    }

    /** Names of the clusters in {@code dir}. */
    public static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new InvalidSpecException("cannot list clusters in " + dir + ": " + e.getMessage());
        }
    }

    /** The file as written. */
    static final class Raw {
        @JsonProperty("local") public boolean local;
        @JsonProperty("login") public RawLogin login;
        @JsonProperty("shared_home") public Boolean sharedHome;
        @JsonProperty("workdir") public String workdir;
        @JsonProperty("slurm_conf") public String slurmConf;
        @JsonProperty("known_hosts") public String knownHosts;
        @JsonProperty("partition") public String partition;
        @JsonProperty("account") public String account;
        @JsonProperty("qos") public String qos;
        @JsonProperty("gres") public String gres;
        @JsonProperty("time") public String time;
        @JsonProperty("constraint") public String constraint;
    }

    static final class RawLogin {
        @JsonProperty("host") public String host;
        @JsonProperty("port") public Integer port;
        @JsonProperty("user") public String user;
        @JsonProperty("key") public String key;
        @JsonProperty("jump") public String jump;
    }
}
