package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;

import java.nio.file.Path;

/** The same suite, over SSH to an OpenSSH test host (root only). */
class SshTrickyCommandsTest extends TrickyCommandsSuite {
    @Override
    protected JobOptions job(String name, Path home) { return NamespaceHosts.require(1).oneHostJob(name, home); }
}
