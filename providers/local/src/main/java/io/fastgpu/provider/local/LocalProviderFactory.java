package io.fastgpu.provider.local;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.spi.ProviderFactory;

/** Registers the {@code local} backend. */
public final class LocalProviderFactory implements ProviderFactory {
    @Override public String name() { return LocalProvider.NAME; }

    @Override public Provider create(ProviderContext context) {
        return new LocalProvider(context.home().resolve("local"));
    }
}
