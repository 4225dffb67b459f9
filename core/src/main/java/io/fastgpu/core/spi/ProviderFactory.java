package io.fastgpu.core.spi;

/** Makes a provider; found with {@link java.util.ServiceLoader}, so a backend is a jar on the class path. */
public interface ProviderFactory {
    String name();

    Provider create(ProviderContext context);
}
