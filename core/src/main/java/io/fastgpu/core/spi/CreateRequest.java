package io.fastgpu.core.spi;

import io.fastgpu.api.Resources;

import java.util.Map;
import java.util.Objects;

/**
 * One machine to create.
 *
 * @param name      instance name, {@code task{i}.{job}}
 * @param resources what it should be
 * @param zone      zone, empty for the provider's choice
 * @param tags      labels to put on it so clean-up can find it without local state
 * @param options   backend-specific options of the job ({@code fleet} for {@code ssh})
 */
public record CreateRequest(String name, Resources resources, String zone, Map<String, String> tags,
                            Map<String, String> options) {
    public CreateRequest {
        Objects.requireNonNull(name, "name");
        resources = resources == null ? Resources.DEFAULT : resources;
        zone = zone == null ? "" : zone;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
