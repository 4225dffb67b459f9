package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;

import java.nio.file.Path;

/** The same suite, over SSH to a real sshd test host. */
class SshTrickyCommandsTest extends TrickyCommandsSuite {
    @Override
    protected JobOptions job(String name, Path home) { return TestHosts.oneHostJob(name, home); }
}
