package io.fastgpu.core.spi;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.core.runtime.Parallel;
import io.fastgpu.core.transport.Transport;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The seam every backend implements: which machines exist, their lifecycle, and how to reach one.
 * Portable logic (naming, reuse, waiting, setup, upload) lives above it, written once.
 * Implementations are thread-safe: tasks are created and stopped in parallel.
 */
public interface Provider extends AutoCloseable {
    /** Name used in job files and {@code --backend}: {@code local}, {@code ssh}, {@code aliyun}. */
    String name();

    Capabilities capabilities();

    /**
     * Whether the provider can be used as configured (credentials found, for a cloud). {@code ls} skips an
     * unconfigured provider instead of failing; using one explicitly gives its own one-line error.
     */
    default boolean configured() { return true; }

    /** Where its machines are, for listings ({@code In Region cn-hangzhou}); empty when not meaningful. */
    default String scope() { return ""; }

    /** Every machine this provider knows, in any state but terminated. */
    List<Instance> list();

    /**
     * Like {@link #list()}, and with {@code allOwners} also the machines other users made, where the backend is
     * shared by several people (a cloud account); the same as {@link #list()} elsewhere.
     */
    default List<Instance> list(boolean allOwners) { return list(); }

    default Optional<Instance> findByName(String name) {
        return list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * Checks, before anything is created or changed anywhere, that {@code requests} can all be served
     * (enough machines, reachable, keys that work); throws a one-line {@link FastGpuException} if not.
     */
    default void validate(List<CreateRequest> requests) { }

    /** The instances with what only asking the machines tells (reachability, GPUs); for {@code ls}. */
    default List<Instance> probe(List<Instance> instances) { return instances; }

    /** Creates one machine and returns it; it may still be starting. */
    Instance create(CreateRequest request);

    /**
     * Creates several machines, in the order asked; a provider that can batch (one API call for many) overrides
     * this. When some cannot be made, the ones made by this call are removed again and the exception names both.
     */
    default List<Instance> createAll(List<CreateRequest> requests) {
        // One after the other, in order, so that task0 gets the first address where a provider hands them out.
        List<Instance> made = new java.util.ArrayList<>();
        for (CreateRequest r : requests) {
            try {
                made.add(create(r));
            } catch (RuntimeException e) {
                if (made.isEmpty()) throw e;
                Parallel.each(made, i -> { destroy(i.id()); return null; });
                throw new FastGpuException(r.name() + " could not be created: " + e.getMessage()
                        + "; removed again what this call made: " + String.join(", ", made.stream().map(Instance::name).toList()), e);
            }
        }
        return made;
    }

    void start(String id);

    /** Ends every process of the machine; its files stay. */
    void stop(String id);

    /** Ends its processes and removes it (or releases it, where the provider does not own machines). */
    void destroy(String id);

    void rename(String id, String newName);

    /** Waits until the machine is running and reachable; the failure message says what was last seen. */
    Instance awaitReady(String id, Duration timeout);

    /** Waits for several machines; a provider that can poll many in one call overrides this. Same order as {@code ids}. */
    default List<Instance> awaitAllReady(List<String> ids, Duration timeout) {
        return Parallel.all("wait for machines", ids, id -> id, id -> awaitReady(id, timeout));
    }

    /** How to run commands and move files on a running machine. */
    Transport transport(Instance instance);

    /** The folder runs' log folders live under ({@code <root>/runs/<run name>}), as a path on the machine. */
    String runRoot(Instance instance);

    /** A rough hourly price for {@code count} machines of the given resources, or -1 when unknown. */
    default double hourlyPrice(io.fastgpu.api.Resources resources, int count) { return 0; }

    /** What the cost prompt says about who pays. */
    default String costNotice() { return "Costs of the resources will be charged on your account"; }

    /** The port distributed rendezvous of {@code job} uses on its first task. */
    default int rendezvousPort(String job) { return 29500; }

    @Override
    default void close() { }
}
