package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ShellStateSuite;

import java.nio.file.Path;

/** The same suite, over SSH to a real sshd test host. */
class SshShellStateTest extends ShellStateSuite {
    @Override
    protected JobOptions job(String name, Path home) { return TestHosts.oneHostJob(name, home); }
}
