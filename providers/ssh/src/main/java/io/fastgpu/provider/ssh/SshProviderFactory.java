package io.fastgpu.provider.ssh;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.spi.ProviderFactory;
import io.fastgpu.core.util.UserHome;

/** Registers the {@code ssh} backend. */
public final class SshProviderFactory implements ProviderFactory {
    @Override public String name() { return SshProvider.NAME; }

    @Override public Provider create(ProviderContext context) {
        return new SshProvider(context.home(), context.events(), UserHome.from(context.settings()));
    }
}
