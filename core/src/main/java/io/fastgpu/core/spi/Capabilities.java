package io.fastgpu.core.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a provider can do, declared instead of signalled by "not supported" errors, and its optional
 * facets (small interfaces in {@code io.fastgpu.core.spi.facet}) that callers look up by type instead of
 * casting to a provider class.
 *
 * @param ownsMachines  it creates and destroys machines; when false, {@code kill} only releases them
 * @param costsMoney    creating or starting a machine is charged, so the user is asked first
 * @param sharedRunRoot every task sees the same run root (shared storage), so a job has one log folder
 * @param facets        the optional facets, by the interface they implement
 */
public record Capabilities(boolean ownsMachines, boolean costsMoney, boolean sharedRunRoot, Map<Class<?>, Object> facets) {
    public Capabilities {
        for (var e : facets.entrySet()) {
            if (!e.getKey().isInstance(e.getValue())) {
                throw new IllegalArgumentException(e.getValue().getClass().getName() + " is not a " + e.getKey().getName());
            }
        }
        facets = Map.copyOf(facets);
    }

    public Capabilities(boolean ownsMachines, boolean costsMoney, boolean sharedRunRoot) {
        this(ownsMachines, costsMoney, sharedRunRoot, Map.of());
    }

    /** The facet of type {@code type}, when the provider has it. */
    public <T> Optional<T> facet(Class<T> type) {
        return Optional.ofNullable(facets.get(type)).map(type::cast);
    }

    /** These capabilities with one more facet. */
    public <T> Capabilities with(Class<T> type, T facet) {
        Map<Class<?>, Object> m = new LinkedHashMap<>(facets);
        m.put(type, facet);
        return new Capabilities(ownsMachines, costsMoney, sharedRunRoot, m);
    }
}
