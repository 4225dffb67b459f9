package io.fastgpu.provider.slurm;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;
import io.fastgpu.core.util.UserHome;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The slurm backend passes the suite every provider must pass, on a real three-node Slurm cluster. */
class SlurmProviderConformanceTest extends ProviderConformanceSuite {
    @Override
    protected Provider createProvider(Path scratch) {
        TestCluster.writeCluster(scratch.resolve("home"), "test", "");
        return new SlurmProvider(scratch.resolve("home"), EventListener.NONE, UserHome.get());
    }

    @Override
    protected Map<String, String> options() { return Map.of(SlurmProvider.CLUSTER, "test"); }

    /** Task i is the allocation's i-th node, and the nodes' addresses go up with their names. */
    @Override
    protected boolean addressesInOrder() { return true; }

    /** Cancelled by an administrator. */
    @Override
    protected void destroyOutside(Instance instance) {
        TestCluster.slurm("scancel", instance.tags().get(SlurmProvider.JOB_ID_TAG));
    }

    /** The jobs in Slurm's queue: validate submits none. */
    @Override
    protected Object traces() { return TestCluster.queue(); }

    @AfterAll
    static void nothingIsLeftAllocated() {
        try {
            assertThat(TestCluster.queue()).as("squeue after the suite").isEmpty();
        } finally {
            TestCluster.cancelAll();
        }
    }
}
