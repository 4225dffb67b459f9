package io.fastgpu.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.UserHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The user's settings in {@code config.yaml} in the FastGPU home ({@code ~/.fastgpu/config.yaml}); every key is
 * optional and a missing file means the defaults. Today: {@code models: {store: PATH}}, where registered models are kept,
 * and {@code budget: {monthly: 200}}, what a calendar month's launches may spend (in the price table's currency).
 */
public record UserConfig(Path file, Optional<Path> modelsStore, OptionalDouble monthlyBudget) {
    /** Reads {@code config.yaml} of {@code home}; fails with one line naming the file when it is not what it should be. */
    public static UserConfig read(Path home) {
        Path file = home.resolve("config.yaml");
        if (!Files.exists(file)) return new UserConfig(file, Optional.empty(), OptionalDouble.empty());
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
            throw new InvalidSpecException(file + ": not valid YAML (" + why + "); fix it or move it aside");
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new UserConfig(file, Optional.empty(), OptionalDouble.empty());
        if (!root.isObject()) throw new InvalidSpecException(file + ": expected a mapping such as 'models: {store: PATH}'");
        return new UserConfig(file, modelsStore(home, file, root), monthlyBudget(file, root));
    }

    private static Optional<Path> modelsStore(Path home, Path file, JsonNode root) {
        JsonNode models = root.path("models");
        if (models.isMissingNode() || models.isNull()) return Optional.empty();
        if (!models.isObject()) throw new InvalidSpecException(file + ": models must be a mapping such as {store: PATH}");
        JsonNode store = models.path("store");
        if (store.isMissingNode() || store.isNull()) return Optional.empty();
        if (!store.isTextual() || store.asText().isBlank()) {
            throw new InvalidSpecException(file + ": models.store must be a folder path, e.g. /mnt/nas/models");
        }
        Path p = Path.of(UserHome.expand(store.asText().strip(), UserHome.get()));
        if (!p.isAbsolute()) p = home.resolve(p);
        return Optional.of(p.normalize());
    }

    private static OptionalDouble monthlyBudget(Path file, JsonNode root) {
        JsonNode budget = root.path("budget");
        if (budget.isMissingNode() || budget.isNull()) return OptionalDouble.empty();
        if (!budget.isObject()) throw new InvalidSpecException(file + ": budget must be a mapping such as {monthly: 200}");
        JsonNode monthly = budget.path("monthly");
        if (monthly.isMissingNode() || monthly.isNull()) return OptionalDouble.empty();
        double amount = monthly.isNumber() ? monthly.asDouble() : Double.NaN;
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new InvalidSpecException(file + ": budget.monthly must be an amount of money of 0 or more, such as 200, not '"
                    + monthly.asText() + "'");
        }
        return OptionalDouble.of(amount);
    }
}
