package io.fastgpu.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.UserHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The user's settings in {@code config.yaml} in the FastGPU home ({@code ~/.fastgpu/config.yaml}); every key is
 * optional and a missing file means the defaults. Today: {@code models: {store: PATH}}, where registered models are kept.
 */
public record UserConfig(Path file, Optional<Path> modelsStore) {
    /** Reads {@code config.yaml} of {@code home}; fails with one line naming the file when it is not what it should be. */
    public static UserConfig read(Path home) {
        Path file = home.resolve("config.yaml");
        if (!Files.exists(file)) return new UserConfig(file, Optional.empty());
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
            throw new InvalidSpecException(file + ": not valid YAML (" + why + "); fix it or move it aside");
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new UserConfig(file, Optional.empty());
        if (!root.isObject()) throw new InvalidSpecException(file + ": expected a mapping such as 'models: {store: PATH}'");
        JsonNode models = root.path("models");
        if (models.isMissingNode() || models.isNull()) return new UserConfig(file, Optional.empty());
        if (!models.isObject()) throw new InvalidSpecException(file + ": models must be a mapping such as {store: PATH}");
        JsonNode store = models.path("store");
        if (store.isMissingNode() || store.isNull()) return new UserConfig(file, Optional.empty());
        if (!store.isTextual() || store.asText().isBlank()) {
            throw new InvalidSpecException(file + ": models.store must be a folder path, e.g. /mnt/nas/models");
        }
        Path p = Path.of(UserHome.expand(store.asText().strip(), UserHome.get()));
        if (!p.isAbsolute()) p = home.resolve(p);
        return new UserConfig(file, Optional.of(p.normalize()));
    }
}
