package io.fastgpu.api;

/** Receives events; must be thread-safe, as tasks emit in parallel. */
@FunctionalInterface
public interface EventListener {
    void on(Event event);

    EventListener NONE = e -> { };
}
