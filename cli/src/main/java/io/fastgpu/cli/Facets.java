package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.spi.Provider;

import java.util.Optional;

/** Finds the backend that offers a facet a command needs ({@code addip}, {@code querygpu}, ...), without naming a class. */
final class Facets {
    private Facets() { }

    /**
     * The facet {@code type} of the backend that has it (a configured one first; an unconfigured one then
     * says itself what it lacks when used), or a one-line error naming {@code what}.
     */
    static <T> T require(CliContext ctx, Class<T> type, String what) {
        T unconfigured = null;
        for (String name : ctx.fastGpu().providers().names()) {
            Provider p = ctx.fastGpu().provider(name);
            Optional<T> f = p.capabilities().facet(type);
            if (f.isEmpty()) continue;
            if (p.configured()) return f.get();
            if (unconfigured == null) unconfigured = f.get();
        }
        if (unconfigured != null) return unconfigured;
        throw new FastGpuException(what + " needs a backend that offers it, and none on the class path does");
    }
}
