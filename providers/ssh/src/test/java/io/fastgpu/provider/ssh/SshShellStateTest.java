package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ShellStateSuite;

import java.nio.file.Path;

/** The same suite, over SSH to an OpenSSH test host (root only). */
class SshShellStateTest extends ShellStateSuite {
    @Override
    protected JobOptions job(String name, Path home) { return NamespaceHosts.require(1).oneHostJob(name, home); }
}
