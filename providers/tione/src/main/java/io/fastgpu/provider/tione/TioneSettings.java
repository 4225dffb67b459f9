package io.fastgpu.provider.tione;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the tione backend's settings come from, in the official SDK's order: the secret from
 * {@code TENCENTCLOUD_SECRET_ID} / {@code TENCENTCLOUD_SECRET_KEY}, else the SDK's profile file
 * ({@code ~/.tencentcloud/credentials}, section {@code [default]}), else tccli's
 * ({@code ~/.tccli/default.credential}); the region from {@code TENCENTCLOUD_REGION} (else tccli's
 * {@code default.configure}, else ap-guangzhou); the COS bucket and prefix for code packages from
 * {@code FASTGPU_TIONE_BUCKET} / {@code FASTGPU_TIONE_PREFIX}; {@code FASTGPU_TIONE_ENDPOINT} points both
 * APIs at an offline emulator ({@code host:port}, plain http).
 */
record TioneSettings(String secretId, String secretKey, String credentialSource, String region, String bucket,
                     String prefix, String endpoint) {
    static final String DEFAULT_REGION = "ap-guangzhou";

    @Override
    public String toString() { // never the secret
        return "TioneSettings[" + secretId + " from " + credentialSource + ", " + region + ", cos://" + bucket + "/" + prefix + "]";
    }

    boolean configured() { return secretId != null && secretKey != null; }

    /** The secret pair, or a one-line error saying where it was looked for. */
    void requireCredentials() {
        if (!configured()) {
            throw new FastGpuException("tione: no Tencent Cloud credentials: set TENCENTCLOUD_SECRET_ID and"
                    + " TENCENTCLOUD_SECRET_KEY, or write them to ~/.tencentcloud/credentials ([default] secret_id, secret_key)");
        }
    }

    String requireBucket() {
        if (bucket == null || bucket.isBlank()) {
            throw new FastGpuException("tione: no COS bucket for code packages: set FASTGPU_TIONE_BUCKET to one of yours"
                    + " (such as demo-1250000000)");
        }
        return bucket;
    }

    static TioneSettings from(Map<String, String> env, Path home) {
        String id = blankToNull(env.get("TENCENTCLOUD_SECRET_ID"));
        String key = blankToNull(env.get("TENCENTCLOUD_SECRET_KEY"));
        String source = "the environment";
        if (id == null || key == null) {
            Map<String, String> profile = ini(home.resolve(".tencentcloud/credentials"));
            id = blankToNull(profile.get("secret_id"));
            key = blankToNull(profile.get("secret_key"));
            source = "~/.tencentcloud/credentials";
        }
        JsonNode tccli = json(home.resolve(".tccli/default.credential"));
        if (id == null || key == null) {
            id = blankToNull(tccli.path("secretId").asText(null));
            key = blankToNull(tccli.path("secretKey").asText(null));
            source = "~/.tccli/default.credential";
        }
        String region = blankToNull(env.get("TENCENTCLOUD_REGION"));
        if (region == null) {
            region = blankToNull(json(home.resolve(".tccli/default.configure")).path("_sys_param").path("region").asText(null));
        }
        return new TioneSettings(id, key, source, region == null ? DEFAULT_REGION : region,
                blankToNull(env.get("FASTGPU_TIONE_BUCKET")), env.getOrDefault("FASTGPU_TIONE_PREFIX", "fastgpu"),
                blankToNull(env.get("FASTGPU_TIONE_ENDPOINT")));
    }

    private static Map<String, String> ini(Path file) {
        Map<String, String> values = new java.util.HashMap<>();
        if (!Files.isRegularFile(file)) return values;
        try {
            String section = "";
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.startsWith("[") && l.endsWith("]")) {
                    section = l.substring(1, l.length() - 1).strip();
                } else if (section.equals("default") && l.contains("=") && !l.startsWith("#")) {
                    values.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new FastGpuException("tione: cannot read " + file + ": " + e.getMessage());
        }
        return values;
    }

    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) return new ObjectMapper().createObjectNode();
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new FastGpuException("tione: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s.strip(); }
}
