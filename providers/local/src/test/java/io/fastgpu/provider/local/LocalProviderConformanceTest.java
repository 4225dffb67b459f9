package io.fastgpu.provider.local;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;

import java.nio.file.Path;

/** The local backend passes the suite every provider must pass. */
class LocalProviderConformanceTest extends ProviderConformanceSuite {
    @Override
    protected Provider createProvider(Path scratch) {
        return new LocalProvider(scratch.resolve("home/local"));
    }
}
