package io.fastgpu.core.spi;

import io.fastgpu.api.Instance;
import io.fastgpu.core.transport.Transport;

import java.time.Duration;
import java.util.List;

/**
 * The seam every backend implements: the machine lifecycle and how to reach a machine, nothing else.
 * Portable logic (naming, reuse, waiting, setup, upload, steps) lives above it, written once; what only
 * some backends can do (prices, probes, firewall, shared storage, host keys) is an optional facet found
 * through {@link Capabilities#facet(Class)}. Implementations are thread-safe.
 *
 * <p>The lifecycle, in the order a launch uses it: {@link #validate} (no side effects) gives a
 * {@link CreatePlan}, {@link #create} carries it out and says what was made, {@link #awaitReady} waits for
 * the machines to answer; {@link #start}, {@link #stop}, {@link #destroy} and {@link #rename} act on one.
 */
public interface Provider extends AutoCloseable {
    /** Name used in job files and {@code --backend}: {@code local}, {@code ssh}, {@code aliyun}. */
    String name();

    /** What it can do, and its optional facets. */
    Capabilities capabilities();

    /**
     * Whether the provider can be used as configured (credentials found, for a cloud). {@code ls} skips an
     * unconfigured provider instead of failing; using one explicitly gives its own one-line error.
     */
    default boolean configured() { return true; }

    /** Every machine of this user the provider knows, in any state but gone. */
    List<Instance> list();

    /**
     * Checks, before anything is created or changed anywhere, that {@code requests} can all be served
     * (enough machines, reachable, keys that work, a known instance type); throws a one-line
     * {@link io.fastgpu.api.FastGpuException} if not. Changes nothing: the result is a value that
     * {@link #create} carries out and a dry run prints.
     */
    CreatePlan validate(List<CreateRequest> requests);

    /**
     * Creates the plan's machines, in its order (task0 first, so it gets the first address where a
     * provider hands them out). When some cannot be made, the ones made by this call are removed again,
     * and the outcome says which failed, why, and what was released.
     */
    CreateOutcome create(CreatePlan plan);

    /**
     * Waits until the machines are running and answer; same order as {@code ids}. The failure message
     * names each machine that did not come up, with what was last seen of it.
     */
    List<Instance> awaitReady(List<String> ids, Duration timeout);

    void start(String id);

    /** Ends every process of the machine; its files stay. */
    void stop(String id);

    /** Ends its processes and removes it (or releases it, where the provider does not own machines). */
    void destroy(String id);

    void rename(String id, String newName);

    /** How to run commands and move files on a running machine. */
    Transport transport(Instance instance);

    /** The folder runs' log folders live under ({@code <root>/runs/<run name>}), as a path on the machine. */
    String runRoot(Instance instance);

    @Override
    default void close() { }
}
