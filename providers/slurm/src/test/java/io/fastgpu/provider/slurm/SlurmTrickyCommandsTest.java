package io.fastgpu.provider.slurm;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.TrickyCommandsSuite;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The same suite, as steps of an allocation on the real Slurm test cluster. */
class SlurmTrickyCommandsTest extends TrickyCommandsSuite {
    @Override
    protected JobOptions job(String name, Path home) {
        TestCluster.writeCluster(home, "test", "");
        return TestCluster.job(name, "test", 1);
    }

    /** After the suite's task is released. */
    @Override
    protected void afterSuite() {
        try {
            assertThat(TestCluster.queue()).as("squeue after the suite").isEmpty();
        } finally {
            TestCluster.cancelAll();
        }
    }
}
