package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** The same commands, over SSH to a real sshd test host. */
class SshTrickyCommandsTest extends TrickyCommandsSuite {
    @Override
    protected JobOptions job(String name, Path home) {
        TestHosts hosts = TestHosts.require(1);
        try {
            hosts.writeFleet(home, "lab", 1, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return JobOptions.builder(name).backend("ssh").backendOptions(Map.of(SshProvider.FLEET, "lab")).build();
    }
}
