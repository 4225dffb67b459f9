package io.fastgpu.provider.slurm;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/** After each test: the test cluster's queue is empty (the test fails otherwise), and is emptied either way. */
final class NothingLeftAllocated implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
        try {
            assertThat(TestCluster.queue()).as("squeue after the test").isEmpty();
        } finally {
            TestCluster.cancelAll();
        }
    }
}
