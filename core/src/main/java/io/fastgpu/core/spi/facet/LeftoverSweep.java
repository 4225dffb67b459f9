package io.fastgpu.core.spi.facet;

import java.util.List;
import java.util.Set;

/**
 * Finds and removes what FastGPU made in a cloud account and no known job accounts for: instances running or
 * stopped, key pairs, security groups, vSwitches, VPCs. It only ever sees resources with FastGPU's owner tag
 * for this user; the others are counted, never touched.
 */
public interface LeftoverSweep {
    /**
     * A resource of ours that nothing known accounts for.
     *
     * @param kind        {@code instance}, {@code keypair}, {@code securitygroup}, {@code vswitch}, {@code vpc}
     * @param hourlyPrice what it costs per hour now (0 for free resources; a stopped instance's compute is free)
     * @param order       release order: dependents (lower) first
     */
    record Leftover(String kind, String id, String name, String state, double hourlyPrice, int order) { }

    /** The leftovers, and how many resources of the account it skipped for want of our tags. */
    record Inventory(List<Leftover> leftovers, int skipped) { }

    /** The scope it looks at, e.g. {@code Region cn-hangzhou}. */
    String scope();

    /** What is ours and unaccounted for: instances whose job is not in {@code knownJobs}, and network pieces no other instance uses. */
    Inventory inventory(Set<String> knownJobs);

    /** Removes one leftover; waits a little for what depended on it to be gone. */
    void release(Leftover leftover);
}
