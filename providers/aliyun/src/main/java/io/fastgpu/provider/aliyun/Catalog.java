package io.fastgpu.provider.aliyun;

import io.fastgpu.api.InvalidSpecException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The instance types FastGPU knows offline: GPU model, count, memory and a rough hourly price. Bundled and dated;
 * a file of the same format in the FastGPU home replaces it.
 */
final class Catalog {
    /** One instance type. */
    record Type(String id, int vcpu, double memoryGb, String gpuModel, int gpuCount, int gpuMemoryGb, double pricePerHour) {
        /** {@code V100 x 8}, or {@code -}. */
        String gpu() { return gpuCount > 0 ? gpuModel + " x " + gpuCount : "-"; }
    }

    private final Map<String, Type> types;
    private final String asOf;
    private final String source;
    private final double diskGbHourPrice;

    private Catalog(Map<String, Type> types, String asOf, String source, double diskGbHourPrice) {
        this.types = types;
        this.asOf = asOf;
        this.source = source;
        this.diskGbHourPrice = diskGbHourPrice;
    }

    static Catalog load(Path home) {
        Path override = home.resolve("aliyun").resolve("instance-types.csv");
        if (Files.isRegularFile(override)) {
            try {
                return parse(Files.readString(override), override.toString());
            } catch (IOException e) {
                throw new InvalidSpecException("cannot read " + override + ": " + e.getMessage());
            }
        }
        try (InputStream in = Catalog.class.getResourceAsStream("instance-types.csv")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the bundled table");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the bundled instance type table is missing", e);
        }
    }

    static Catalog parse(String text, String source) {
        Map<String, Type> types = new LinkedHashMap<>();
        String asOf = "";
        double disk = -1;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.startsWith("# as_of:")) asOf = l.substring(8).strip();
            if (l.startsWith("# disk_price_per_gb_hour:")) {
                try {
                    disk = Double.parseDouble(l.substring(l.indexOf(':') + 1).strip());
                } catch (NumberFormatException e) {
                    throw new InvalidSpecException(source + ":" + n + ": disk_price_per_gb_hour is not a number: " + e.getMessage());
                }
            }
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] f = l.split(",", -1);
            if (f.length != 7) {
                throw new InvalidSpecException(source + ":" + n + ": expected 7 comma-separated fields"
                        + " (instance_type,vcpu,memory_gb,gpu_model,gpu_count,gpu_memory_gb,price_per_hour), got " + f.length);
            }
            try {
                types.put(f[0].strip(), new Type(f[0].strip(), Integer.parseInt(f[1].strip()), Double.parseDouble(f[2].strip()),
                        f[3].strip(), Integer.parseInt(f[4].strip()), Integer.parseInt(f[5].strip()), Double.parseDouble(f[6].strip())));
            } catch (NumberFormatException e) {
                throw new InvalidSpecException(source + ":" + n + ": not a number: " + e.getMessage());
            }
        }
        return new Catalog(Collections.unmodifiableMap(types), asOf, source, disk);
    }

    Optional<Type> type(String id) { return Optional.ofNullable(types.get(id)); }

    List<Type> gpuTypes() {
        List<Type> r = new ArrayList<>();
        for (Type t : types.values()) if (t.gpuCount() > 0) r.add(t);
        return r;
    }

    List<String> ids() { return List.copyOf(types.keySet()); }

    String asOf() { return asOf; }

    String source() { return source; }

    /** What a GiB of disk costs per hour ({@code # disk_price_per_gb_hour:}), or -1 when the table does not say. */
    double diskGbHourPrice() { return diskGbHourPrice; }

    /** {@code NVIDIA V100} / {@code Tesla V100-SXM2} → {@code V100}. */
    static String shortGpu(String spec) {
        if (spec == null) return "";
        return spec.strip().replaceFirst("^(?i)(nvidia|tesla)\\s+", "");
    }
}
