package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ShellStateSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The same suite, over SSH to one of the emulator's machines: runs everywhere, no root. */
class EmulatedShellStateTest extends ShellStateSuite {
    @TempDir static Path machines;
    static EmulatedHosts hosts;

    @Override
    protected JobOptions job(String name, Path home) {
        if (hosts == null) hosts = EmulatedHosts.start(machines, 1);
        return hosts.oneHostJob(name, home);
    }

    @AfterAll
    static void haltMachines() {
        if (hosts != null) hosts.close();
        hosts = null;
    }
}
