package io.fastgpu.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code models} table: every registered version of every model. */
public final class ModelTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "name, version, run_id, run_name, job_hash, git_commit, metrics, size, sha256,"
            + " file_name, framework, description, source, created_at";
    private final SqliteConnection db;

    ModelTable(SqliteConnection db) {
        this.db = db;
    }

    /**
     * Records {@code m} as the next version of its model ({@code m.version()} 0), or as exactly {@code m.version()};
     * empty when that version exists already.
     */
    public Optional<ModelRecord> add(ModelRecord m) {
        return db.write(() -> {
            int version = m.version();
            if (version == 0) {
                version = db.query("SELECT coalesce(max(version), 0) + 1 FROM models WHERE name = ?", rs -> rs.getInt(1), m.name()).get(0);
            }
            ModelRecord stored = new ModelRecord(m.name(), version, m.runId(), m.runName(), m.jobHash(), m.gitCommit(), m.metrics(),
                    m.size(), m.sha256(), m.fileName(), m.framework(), m.description(), m.source(), m.createdAt());
            int added = db.update("INSERT OR IGNORE INTO models (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    stored.name(), stored.version(), stored.runId(), stored.runName(), stored.jobHash(), stored.gitCommit(),
                    json(stored.metrics()), stored.size(), stored.sha256(), stored.fileName(), stored.framework(),
                    stored.description(), stored.source(), stored.createdAt().toEpochMilli());
            return added == 1 ? Optional.of(stored) : Optional.<ModelRecord>empty();
        });
    }

    /** Every version of every model, by name then version. */
    public List<ModelRecord> all() {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM models ORDER BY name, version", ModelTable::record));
    }

    /** The versions of model {@code name}, oldest first. */
    public List<ModelRecord> versions(String name) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM models WHERE name = ? ORDER BY version", ModelTable::record, name));
    }

    /** Version {@code version} of {@code name}, if registered. */
    public Optional<ModelRecord> get(String name, int version) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM models WHERE name = ? AND version = ?", ModelTable::record,
                name, version)).stream().findFirst();
    }

    /** Forgets version {@code version} of {@code name}; true when it was there. */
    public boolean delete(String name, int version) {
        return db.write(() -> db.update("DELETE FROM models WHERE name = ? AND version = ?", name, version)) == 1;
    }

    /** How many registered versions, of any model, hold the file with this checksum. */
    public int usesOf(String sha256) {
        return db.read(() -> db.query("SELECT count(*) FROM models WHERE sha256 = ?", rs -> rs.getInt(1), sha256).get(0));
    }

    private static ModelRecord record(ResultSet rs) throws SQLException {
        return new ModelRecord(rs.getString(1), rs.getInt(2), SqliteConnection.longOrNull(rs, 3), rs.getString(4), rs.getString(5),
                rs.getString(6), metrics(rs.getString(7)), rs.getLong(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13), Instant.ofEpochMilli(rs.getLong(14)));
    }

    private static String json(Map<String, Double> metrics) {
        try {
            return JSON.writeValueAsString(new LinkedHashMap<>(metrics));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Double> metrics(String text) {
        try {
            return JSON.readValue(text, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            return Map.of(); // a hand-edited row: the model is still there, its metrics are not
        }
    }
}
