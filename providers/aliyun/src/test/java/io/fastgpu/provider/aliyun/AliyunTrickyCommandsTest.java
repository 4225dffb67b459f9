package io.fastgpu.provider.aliyun;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** Commands run verbatim on an emulated cloud machine, over SSH. */
class AliyunTrickyCommandsTest extends TrickyCommandsSuite {
    @TempDir static Path cloudDir;
    static CloudFixture fixture;

    @Override
    protected Map<String, String> settings() {
        if (fixture == null) fixture = new CloudFixture(cloudDir);
        return fixture.env();
    }

    @Override
    protected JobOptions job(String name, Path home) {
        return JobOptions.builder(name).backend(AliyunProvider.NAME).instanceType("ecs.g7.xlarge").confirmCost(true).build();
    }

    @Override
    protected void afterSuite() { if (fixture != null) fixture.close(); }
}
