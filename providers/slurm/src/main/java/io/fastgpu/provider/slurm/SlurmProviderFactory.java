package io.fastgpu.provider.slurm;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.spi.ProviderFactory;
import io.fastgpu.core.util.UserHome;

/** Registers the {@code slurm} backend. */
public final class SlurmProviderFactory implements ProviderFactory {
    @Override public String name() { return SlurmProvider.NAME; }

    @Override public Provider create(ProviderContext context) {
        return new SlurmProvider(context.home(), context.events(), UserHome.from(context.settings()));
    }
}
