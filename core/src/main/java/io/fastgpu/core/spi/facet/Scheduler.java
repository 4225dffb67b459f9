package io.fastgpu.core.spi.facet;

import java.util.List;

/** A backend whose machines come from the partitions of a batch scheduler's cluster (Slurm), for {@code fastgpu slurm info}. */
public interface Scheduler {
    /**
     * One partition and how much of it is free now.
     *
     * @param name       partition name
     * @param isDefault  jobs that name none go here
     * @param state      the partition's state ({@code UP}, {@code DOWN}, ...)
     * @param nodesFree  idle nodes
     * @param nodesTotal all its nodes
     * @param gpusFree   GPUs not allocated, on nodes that can run jobs
     * @param gpusTotal  all its GPUs
     * @param maxTime    its time limit as the scheduler writes it
     */
    record Partition(String name, boolean isDefault, String state, int nodesFree, int nodesTotal, int gpusFree, int gpusTotal,
                     String maxTime) { }

    /** The clusters configured. */
    List<String> clusters();

    /** The partitions of {@code cluster}; a one-line error when it is unknown or does not answer. */
    List<Partition> partitions(String cluster);
}
