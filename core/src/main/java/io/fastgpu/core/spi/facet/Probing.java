package io.fastgpu.core.spi.facet;

import io.fastgpu.api.Instance;

import java.util.List;

/** A provider that learns more by asking the machines themselves (reachability, GPUs), for {@code ls}. */
public interface Probing {
    /** The instances with what only asking the machines tells; same order. */
    List<Instance> probe(List<Instance> instances);
}
