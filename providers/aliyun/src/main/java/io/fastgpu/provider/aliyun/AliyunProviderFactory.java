package io.fastgpu.provider.aliyun;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.spi.ProviderFactory;
import io.fastgpu.core.util.UserHome;

/** Registers the {@code aliyun} backend; its settings come from the context (the CLI passes its environment). */
public final class AliyunProviderFactory implements ProviderFactory {
    @Override public String name() { return AliyunProvider.NAME; }

    @Override public Provider create(ProviderContext context) {
        return new AliyunProvider(context.home(), context.events(), context.settings(), UserHome.from(context.settings()));
    }
}
