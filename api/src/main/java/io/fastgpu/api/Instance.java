package io.fastgpu.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One machine as a provider reports it.
 *
 * @param id         the provider's id, stable across renames
 * @param name       the user-visible name, {@code task{i}.{job}} for job machines
 * @param backend    the provider that owns or reaches it ({@code local}, {@code ssh}, ...)
 * @param state      portable state
 * @param instanceType the instance type label
 * @param gpu        GPU description such as {@code V100 x 8}, or {@code -} when none
 * @param publicIp   public address, or empty
 * @param privateIp  address other tasks of the job reach it at
 * @param createdAt  when it was created
 * @param tags       labels FastGPU put on it ({@code fastgpu:job}, {@code fastgpu:task}, ...)
 */
public record Instance(String id, String name, String backend, InstanceState state, String instanceType,
                       String gpu, String publicIp, String privateIp, Instant createdAt, Map<String, String> tags) {
    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(state, "state");
        instanceType = instanceType == null ? "" : instanceType;
        gpu = gpu == null || gpu.isBlank() ? "-" : gpu;
        publicIp = publicIp == null ? "" : publicIp;
        privateIp = privateIp == null ? "" : privateIp;
        Objects.requireNonNull(createdAt, "createdAt");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Age in hours at {@code now}, as the {@code ls} table shows it. */
    public double ageHours(Instant now) {
        return Duration.between(createdAt, now).toSeconds() / 3600.0;
    }

    public Instance withState(InstanceState newState) {
        return new Instance(id, name, backend, newState, instanceType, gpu, publicIp, privateIp, createdAt, tags);
    }

    public Instance withName(String newName) {
        return new Instance(id, newName, backend, state, instanceType, gpu, publicIp, privateIp, createdAt, tags);
    }
}
