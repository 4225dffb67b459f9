package io.fastgpu.provider.ssh;

import io.fastgpu.api.EventListener;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;

import java.nio.file.Path;
import java.util.Map;

/** The ssh backend passes the suite every provider must pass, on OpenSSH test hosts (root only). */
class SshProviderConformanceTest extends ProviderConformanceSuite {
    @Override
    protected Provider createProvider(Path scratch) {
        NamespaceHosts.require(2).writeFleet(scratch.resolve("home"), "conformance", 2, false);
        return new SshProvider(scratch.resolve("home"), EventListener.NONE);
    }

    @Override
    protected Map<String, String> options() { return Map.of(SshProvider.FLEET, "conformance"); }
}
