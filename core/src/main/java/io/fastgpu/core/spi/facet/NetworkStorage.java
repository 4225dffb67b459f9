package io.fastgpu.core.spi.facet;

import io.fastgpu.api.Instance;

/** A provider with a shared file system it can mount at a machine's run root ({@code fastgpu mount}). */
public interface NetworkStorage {
    /** Mounts it on the running {@code instance}; returns what was mounted where, for the user. */
    String mount(Instance instance);
}
