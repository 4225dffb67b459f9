package io.fastgpu.provider.tione;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.spi.ProviderFactory;
import io.fastgpu.core.util.UserHome;

/** Registers the {@code tione} backend; its settings come from the context (the CLI passes its environment). */
public final class TioneProviderFactory implements ProviderFactory {
    @Override public String name() { return TioneProvider.NAME; }

    @Override public Provider create(ProviderContext context) {
        return new TioneProvider(TioneSettings.from(context.settings(), UserHome.from(context.settings())));
    }
}
