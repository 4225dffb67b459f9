package io.fastgpu.provider.ssh;

import io.fastgpu.api.EventListener;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** The ssh backend passes the suite every provider must pass, on real sshd test hosts. */
class SshProviderConformanceTest extends ProviderConformanceSuite {
    @Override
    protected Provider createProvider(Path scratch) {
        TestHosts hosts = TestHosts.require(2);
        try {
            hosts.writeFleet(scratch.resolve("home"), "conformance", 2, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SshProvider(scratch.resolve("home"), EventListener.NONE);
    }

    @Override
    protected Map<String, String> options() { return Map.of(SshProvider.FLEET, "conformance"); }
}
