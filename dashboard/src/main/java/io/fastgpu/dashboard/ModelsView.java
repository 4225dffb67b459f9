package io.fastgpu.dashboard;

import java.util.List;

/** What the models page lists: each registered model with its versions. */
public interface ModelsView {
    /** One version of a model, with the facts the page shows; {@code metrics} are its final metrics, by name. */
    record Version(String model, int version, String run, long sizeBytes, String sha256, String registeredAt,
                   java.util.Map<String, Double> metrics) { }

    /** Every version of every model, by model name then version. */
    List<Version> versions();

    /** No registry: the page says there are no models. */
    ModelsView NONE = List::of;
}
