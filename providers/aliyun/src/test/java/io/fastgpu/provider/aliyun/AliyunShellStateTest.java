package io.fastgpu.provider.aliyun;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ShellStateSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** Shell state across commands on an emulated cloud machine, over SSH. */
class AliyunShellStateTest extends ShellStateSuite {
    @TempDir static Path cloudDir;
    static CloudFixture fixture;

    @Override
    protected Map<String, String> settings() {
        if (fixture == null) fixture = new CloudFixture(cloudDir);
        // Each test has a FastGPU home of its own, so each needs a key pair of its own.
        Map<String, String> env = new java.util.HashMap<>(fixture.env());
        env.put("FASTGPU_ALIYUN_KEYPAIR", "fastgpu-state-" + System.nanoTime());
        return env;
    }

    @Override
    protected JobOptions job(String name, Path home) {
        return JobOptions.builder(name).backend(AliyunProvider.NAME).instanceType("ecs.g7.xlarge").confirmCost(true).build();
    }

    @AfterAll
    static void stopCloud() { if (fixture != null) fixture.close(); }
}
