package io.fastgpu.core.runtime;

import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.Provider;

/**
 * Where a run's log folder is on each machine. A run folder is {@code <run root>/runs/<name>}, and the run root is
 * the provider's for each machine ({@code $HOME/fastgpu}): the same path on machines of one image, a different one
 * where homes differ (ssh hosts with other logins, emulated machines that each have a home of their own). The
 * folder's name is chosen once, on task0; every other machine has a folder of that name under its own root.
 */
public final class RunFolder {
    private static final String RUNS = "/runs/";

    private RunFolder() { }

    /** The folder that {@code logdir} (a run folder on any machine of the run) is on {@code instance}. */
    public static String on(Provider provider, Instance instance, String logdir) {
        int at = logdir.lastIndexOf(RUNS);
        if (at < 0) return logdir; // not under a run root: the same path everywhere
        return provider.runRoot(instance) + logdir.substring(at);
    }
}
