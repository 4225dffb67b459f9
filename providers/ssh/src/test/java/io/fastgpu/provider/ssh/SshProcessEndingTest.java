package io.fastgpu.provider.ssh;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ProcessEndingSuite;

import java.nio.file.Path;
import java.util.Map;

/** The same suite, over SSH to a real sshd test host, which both of its jobs share (root only). */
class SshProcessEndingTest extends ProcessEndingSuite {
    @Override
    protected JobOptions job(String name, Path home) {
        NamespaceHosts.require(1).writeFleet(home, "lab", 1, true);
        return JobOptions.builder(name).backend("ssh").backendOptions(Map.of(SshProvider.FLEET, "lab")).build();
    }
}
