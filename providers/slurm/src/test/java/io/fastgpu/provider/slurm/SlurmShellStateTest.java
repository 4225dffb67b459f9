package io.fastgpu.provider.slurm;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.ShellStateSuite;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The same suite, as steps of an allocation on the real Slurm test cluster. */
class SlurmShellStateTest extends ShellStateSuite {
    @Override
    protected JobOptions job(String name, Path home) {
        TestCluster.writeCluster(home, "test", "");
        return TestCluster.job(name, "test", 1);
    }

    @AfterAll
    static void nothingIsLeftAllocated() {
        try {
            assertThat(TestCluster.queue()).as("squeue after the suite").isEmpty();
        } finally {
            TestCluster.cancelAll();
        }
    }
}
