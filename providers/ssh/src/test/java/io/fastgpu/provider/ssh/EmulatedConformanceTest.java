package io.fastgpu.provider.ssh;

import io.fastgpu.api.EventListener;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** The suite every provider must pass, on a fleet of the emulator's SSH machines: runs everywhere, no root. */
class EmulatedConformanceTest extends ProviderConformanceSuite {
    @TempDir static Path machines;
    static EmulatedHosts hosts;

    @Override
    protected Provider createProvider(Path scratch) {
        if (hosts == null) hosts = EmulatedHosts.start(machines, 2);
        hosts.writeFleet(scratch.resolve("home"), "conformance", 2, false);
        return new SshProvider(scratch.resolve("home"), EventListener.NONE);
    }

    @Override
    protected Map<String, String> options() { return Map.of(SshProvider.FLEET, "conformance"); }

    @AfterAll
    static void haltMachines() {
        if (hosts != null) hosts.close();
        hosts = null;
    }
}
