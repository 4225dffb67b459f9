package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Applies one lifecycle operation to the selected instances in parallel, reporting each. */
final class Lifecycle {
    private Lifecycle() { }

    static int apply(CliContext ctx, List<InstanceSelector.Selected> selected, String verb,
                     Consumer<InstanceSelector.Selected> op) {
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Quiet.each(selected, s -> {
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

    /** Runs an operation per instance on its own thread, collecting "name: cause" for each failure. */
    static final class Quiet {
        private Quiet() { }

        static void each(List<InstanceSelector.Selected> selected, Consumer<InstanceSelector.Selected> op,
                         List<String> failures) {
            List<Thread> threads = new ArrayList<>();
            for (InstanceSelector.Selected s : selected) {
                Thread t = new Thread(() -> {
                    try {
                        op.accept(s);
                    } catch (RuntimeException e) {
                        String m = String.valueOf(e.getMessage());
                        failures.add(m.startsWith(s.instance().name()) ? m : s.instance().name() + ": " + m);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FastGpuException("interrupted", e);
                }
            }
        }
    }
}
