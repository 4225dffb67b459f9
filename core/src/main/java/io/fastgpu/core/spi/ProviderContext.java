package io.fastgpu.core.spi;

import io.fastgpu.api.EventListener;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a provider is given when it is made.
 *
 * @param home     the FastGPU home folder
 * @param events   where to report what it does
 * @param settings settings from the environment or a job file (endpoint overrides, fleet names, ...)
 */
public record ProviderContext(Path home, EventListener events, Map<String, String> settings) {
    public ProviderContext {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        events = events == null ? EventListener.NONE : events;
    }
}
