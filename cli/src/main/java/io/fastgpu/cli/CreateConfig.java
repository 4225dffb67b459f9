package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code create.cfg} file of FastGPU 1.x: INI with {@code [ncluster]} (name, machines, system_disk_size,
 * data_disk_size, image_name, instance_type, spot, confirm_cost, skip_setup, disable_nas, zone_id, vpc_name) and
 * {@code [cmd]} (install_script). Lines starting with {@code ;} or {@code #} are comments. Every mistake is reported
 * with its file and line.
 */
record CreateConfig(Map<String, String> values) {
    static final List<String> CLUSTER_KEYS = List.of("name", "machines", "system_disk_size", "data_disk_size", "image_name",
            "instance_type", "spot", "confirm_cost", "skip_setup", "disable_nas", "zone_id", "vpc_name");
    static final List<String> CMD_KEYS = List.of("install_script");

    static CreateConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read " + file + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        String section = null;
        String lastKey = null;
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) continue;
            String where = file.getFileName() + ":" + n + ": ";
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) throw new InvalidSpecException(where + "a section header must end with ']'");
                section = line.substring(1, line.length() - 1).strip();
                if (!section.equals("ncluster") && !section.equals("cmd")) {
                    String hint = Suggest.closest(section, List.of("ncluster", "cmd")).map(s -> " (did you mean [" + s + "]?)").orElse("");
                    throw new InvalidSpecException(where + "unknown section [" + section + "]" + hint + "; sections: [ncluster], [cmd]");
                }
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0)) && lastKey != null) {
                values.put(lastKey, values.get(lastKey) + "\n" + line); // a continued value, as configparser reads it
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) eq = line.indexOf(':');
            if (eq <= 0) throw new InvalidSpecException(where + "expected 'key=value', got '" + line + "'");
            if (section == null) throw new InvalidSpecException(where + "'" + line + "' comes before any section; start with [ncluster]");
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            List<String> allowed = section.equals("ncluster") ? CLUSTER_KEYS : CMD_KEYS;
            if (!allowed.contains(key)) {
                String hint = Suggest.closest(key, allowed).map(s -> " (did you mean '" + s + "'?)").orElse("");
                throw new InvalidSpecException(where + "unknown key '" + key + "' in [" + section + "]" + hint
                        + "; keys: " + String.join(", ", allowed));
            }
            values.put(key, value);
            lastKey = key;
        }
        CreateConfig c = new CreateConfig(values);
        c.check(file.getFileName().toString());
        return c;
    }

    private void check(String file) {
        for (String k : List.of("machines", "system_disk_size", "data_disk_size")) {
            if (values.containsKey(k)) integer(k, file);
        }
        for (String k : List.of("spot", "confirm_cost", "skip_setup", "disable_nas")) {
            if (values.containsKey(k)) bool(k, file);
        }
    }

    String text(String key) { return values.getOrDefault(key, ""); }

    Integer integer(String key, String file) {
        String v = values.get(key);
        if (v == null) return null;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidSpecException(file + ": " + key + " must be a whole number, was '" + v + "'");
        }
    }

    Boolean bool(String key, String file) {
        String v = values.get(key);
        if (v == null) return null;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new InvalidSpecException(file + ": " + key + " must be True or False, was '" + v + "'");
        };
    }
}
