package io.fastgpu.provider.ssh;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The suite every provider must pass, on a fleet of the emulator's SSH machines: runs everywhere, no root. */
class EmulatedConformanceTest extends FleetConformanceSuite {
    @TempDir static Path machines;
    static EmulatedHosts hosts;

    @Override
    protected FleetHosts hosts() {
        if (hosts == null) hosts = EmulatedHosts.start(machines, 3);
        return hosts;
    }

    @AfterAll
    static void haltMachines() {
        if (hosts != null) hosts.close();
        hosts = null;
    }
}
