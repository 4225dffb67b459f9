package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Applies one lifecycle operation to the selected instances in parallel, reporting each. */
final class Lifecycle {
    private Lifecycle() { }

    static int apply(CliContext ctx, List<InstanceSelector.Selected> selected, String verb,
                     Consumer<InstanceSelector.Selected> op) {
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        each(selected, s -> {
            op.accept(s);
            synchronized (ctx.out()) {
                ctx.out().println(verb + " " + s.instance().name() + ": " + ctx.style().green("done"));
            }
        }, failures);
        if (!failures.isEmpty()) {
            throw new FastGpuException("could not " + verb + " " + String.join("; ", failures));
        }
        return 0;
    }

    /**
     * Records in the state store that FastGPU put the instance into {@code state} at {@code at}, for 'fastgpu cost';
     * a store that cannot be written only warns, the operation itself was done.
     */
    static void record(CliContext ctx, InstanceSelector.Selected s, io.fastgpu.api.InstanceState state, java.time.Instant at) {
        try {
            ctx.fastGpu().state().recordInstanceState(s.instance().backend(), s.instance().id(), state, at);
        } catch (FastGpuException e) {
            synchronized (ctx.err()) {
                ctx.err().println(ctx.style().yellow("warning: ") + s.instance().name() + " is not recorded for 'fastgpu cost': "
                        + e.getMessage());
            }
        }
    }

    /** Runs an operation on each instance at once, adding "name: cause" to {@code failures} for each that fails. */
    static void each(List<InstanceSelector.Selected> selected, Consumer<InstanceSelector.Selected> op, List<String> failures) {
        for (var o : Parallel.each(selected, s -> {
            op.accept(s);
            return null;
        })) {
            if (o.ok()) continue;
            String name = o.item().instance().name();
            String m = String.valueOf(o.error().getMessage());
            failures.add(m.startsWith(name) ? m : name + ": " + m);
        }
    }
}
