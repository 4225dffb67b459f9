package io.fastgpu.dashboard;

import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.ModelRecord;

import java.util.List;

/** What the models page lists: every registered version of every model. */
public interface ModelsView {
    /** Every version of every model, by model name then version. */
    List<ModelRecord> versions();

    /** The model registry in the state store, as {@code fastgpu models list} reads it. */
    static ModelsView of(FastGpu fastGpu) {
        return () -> fastGpu.state().models().all();
    }
}
