package io.fastgpu.provider.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An access key pair and where it was found. The secret never leaves this record except into the SDK's
 * configuration: {@link #toString()} hides it, and no message ever includes it.
 *
 * @param region the region the source named (the CLI profile's {@code region_id}), or empty
 */
public record Credentials(String accessKeyId, String accessKeySecret, String source, String region) {

    @Override
    public String toString() {
        return "Credentials[" + accessKeyId + " from " + source + "]";
    }

    /**
     * Tries, in order: {@code ALIYUN_ACCESS_KEY_ID}/{@code ALIYUN_ACCESS_KEY_SECRET}, the {@code ALIBABA_CLOUD_*}
     * pair, and the current profile of the {@code aliyun} CLI's {@code ~/.aliyun/config.json}
     * ({@code ALIBABA_CLOUD_PROFILE} picks another profile). Fails with one line listing what was tried.
     */
    static Credentials resolve(Map<String, String> env, Path userHome) {
        List<String> tried = new ArrayList<>();
        Credentials c = pair(env, "ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET", tried);
        if (c == null) c = pair(env, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", tried);
        if (c == null) c = profile(env, userHome, tried);
        if (c == null) {
            throw new FastGpuException("no Alibaba Cloud credentials: tried " + String.join("; ", tried)
                    + ". Set ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET, or run 'aliyun configure'");
        }
        return c;
    }

    private static Credentials pair(Map<String, String> env, String idName, String secretName, List<String> tried) {
        String id = AliyunSettings.first(env, idName);
        String secret = AliyunSettings.first(env, secretName);
        if (!id.isEmpty() && !secret.isEmpty()) return new Credentials(id, secret, idName, "");
        if (id.isEmpty() && secret.isEmpty()) tried.add(idName + "/" + secretName + " (not set)");
        else tried.add(idName + "/" + secretName + " (" + (id.isEmpty() ? idName : secretName) + " is not set)");
        return null;
    }

    private static Credentials profile(Map<String, String> env, Path userHome, List<String> tried) {
        String configured = AliyunSettings.first(env, "ALIBABA_CLOUD_CONFIG_FILE");
        Path file = configured.isEmpty() ? userHome.resolve(".aliyun").resolve("config.json") : Path.of(configured);
        String where = configured.isEmpty() ? "~/.aliyun/config.json" : file.toString();
        if (!Files.isRegularFile(file)) {
            tried.add(where + " (absent)");
            return null;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            tried.add(where + " (not valid JSON)");
            return null;
        }
        String wanted = AliyunSettings.first(env, "ALIBABA_CLOUD_PROFILE");
        if (wanted.isEmpty()) wanted = root.path("current").asText("default");
        for (JsonNode p : root.path("profiles")) {
            if (!wanted.equals(p.path("name").asText())) continue;
            String mode = p.path("mode").asText("AK");
            String id = p.path("access_key_id").asText("");
            String secret = p.path("access_key_secret").asText("");
            if (!mode.equals("AK") && !mode.isEmpty()) {
                tried.add(where + " (profile '" + wanted + "' uses mode " + mode + "; only AK profiles are supported)");
                return null;
            }
            if (id.isEmpty() || secret.isEmpty()) {
                tried.add(where + " (profile '" + wanted + "' has no access key)");
                return null;
            }
            return new Credentials(id, secret, where + " profile '" + wanted + "'", p.path("region_id").asText(""));
        }
        tried.add(where + " (no profile '" + wanted + "')");
        return null;
    }
}
