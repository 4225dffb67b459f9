package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;

import java.util.List;
import java.util.Map;

/**
 * The job file's {@code register: {name: gesture, path: GTC/save_model.pth}}: after a successful run, its output at
 * {@code path} (on task0, relative to its home, as in {@code download:}) becomes a new version of model {@code name}.
 *
 * @param framework   e.g. pytorch; empty when not said
 * @param description free text; empty when not said
 */
public record RegisterSpec(String name, String path, String framework, String description) {
    private static final List<String> KEYS = List.of("name", "path", "framework", "description");

    /** Reads the job file's {@code register:}; null when the file has none. */
    static RegisterSpec parse(String where, Object raw) {
        if (raw == null) return null;
        if (!(raw instanceof Map<?, ?> m)) throw new InvalidSpecException(where + "register must be a mapping {name: MODEL, path: PATH}");
        for (Object k : m.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                String hint = Suggest.closest(String.valueOf(k), KEYS).map(s -> " (did you mean '" + s + "'?)")
                        .orElse("; known keys: " + String.join(", ", KEYS));
                throw new InvalidSpecException(where + "register: unknown key '" + JobFileParser.shown(String.valueOf(k)) + "'" + hint);
            }
        }
        String name = text(m.get("name"));
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new InvalidSpecException(where + "register.name '" + JobFileParser.shown(name) + "' must be lower-case letters,"
                    + " digits, '.', '_' or '-' (at most 63), e.g. gesture");
        }
        String path = text(m.get("path"));
        if (path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..") || JobFileText.firstControl(path) >= 0) {
            throw new InvalidSpecException(where + "register.path '" + JobFileParser.shown(path)
                    + "' must be a path inside the run folder on task0 (relative, without '..'), e.g. GTC/save_model.pth");
        }
        return new RegisterSpec(name, path, text(m.get("framework")), text(m.get("description")));
    }

    private static String text(Object o) { return o == null ? "" : String.valueOf(o).strip(); }
}
