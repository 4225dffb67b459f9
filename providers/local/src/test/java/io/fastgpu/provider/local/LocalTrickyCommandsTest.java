package io.fastgpu.provider.local;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;

import java.nio.file.Path;

class LocalTrickyCommandsTest extends TrickyCommandsSuite {
    @Override
    protected JobOptions job(String name, Path home) { return JobOptions.builder(name).build(); }
}
