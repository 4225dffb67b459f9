package io.fastgpu.core.state;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The {@code instances} table: each backend's machines as it last reported them. */
final class InstanceTable {
    private final SqliteConnection db;

    InstanceTable(SqliteConnection db) {
        this.db = db;
    }

    /**
     * Replaces what is known about {@code backend}'s machines with {@code seen}: the provider is the truth, so
     * machines of that backend not in {@code seen} are forgotten. Other backends' machines are left alone.
     *
     * @throws IllegalArgumentException if a machine in {@code seen} belongs to another backend
     */
    void replace(String backend, List<Instance> seen) {
        for (Instance i : seen) {
            if (!i.backend().equals(backend)) {
                throw new IllegalArgumentException("instance " + i.id() + " is on backend " + i.backend()
                        + ", not " + backend);
            }
        }
        db.write(() -> {
            db.update("DELETE FROM instances WHERE backend = ?", backend);
            for (Instance i : seen) {
                db.update("INSERT OR REPLACE INTO instances (backend, id, name, state, instance_type, gpu, public_ip,"
                                + " private_ip, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        backend, i.id(), i.name(), i.state().name(), i.instanceType(), i.gpu(), i.publicIp(),
                        i.privateIp(), i.createdAt().toEpochMilli(), encodeTags(i.tags()));
            }
            return null;
        });
    }

    /** The machines {@code backend} reported last, by name. */
    List<Instance> of(String backend) {
        return db.read(() -> db.query("SELECT id, name, backend, state, instance_type, gpu, public_ip, private_ip,"
                + " created_at, tags FROM instances WHERE backend = ? ORDER BY name, id", rs -> new Instance(
                rs.getString(1), rs.getString(2), rs.getString(3), InstanceState.valueOf(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                Instant.ofEpochMilli(rs.getLong(9)), decodeTags(rs.getString(10))), backend));
    }

    /** Tags as {@code key=value} lines, both sides URL-encoded so that neither holds '=' or a line break. */
    static String encodeTags(Map<String, String> tags) {
        return new TreeMap<>(tags).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("\n"));
    }

    static Map<String, String> decodeTags(String text) {
        Map<String, String> tags = new HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                tags.put(URLDecoder.decode(line.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(line.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return tags;
    }
}
