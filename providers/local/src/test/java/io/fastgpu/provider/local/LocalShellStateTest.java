package io.fastgpu.provider.local;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ShellStateSuite;

import java.nio.file.Path;

class LocalShellStateTest extends ShellStateSuite {
    @Override
    protected JobOptions job(String name, Path home) { return JobOptions.builder(name).build(); }
}
