package io.fastgpu.provider.local;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ProcessEndingSuite;

import java.nio.file.Path;

class LocalProcessEndingTest extends ProcessEndingSuite {
    @Override
    protected JobOptions job(String name, Path home) { return JobOptions.builder(name).build(); }
}
