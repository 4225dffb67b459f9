package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The same suite, over SSH to one of the emulator's machines: runs everywhere, no root. */
class EmulatedTrickyCommandsTest extends TrickyCommandsSuite {
    @TempDir static Path machines;
    EmulatedHosts hosts;

    @Override
    protected JobOptions job(String name, Path home) {
        hosts = EmulatedHosts.start(machines, 1);
        return hosts.oneHostJob(name, home);
    }

    @Override
    protected void afterSuite() {
        if (hosts != null) hosts.close();
    }
}
