package io.fastgpu.core.launch.step;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.ShellQuote;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Passes an upload on from task0 to the other tasks over the cluster network, when the uplink from the
 * user to the cluster is the bottleneck: one copy leaves the user's machine instead of N.
 */
final class UploadRelay {
    private UploadRelay() { }

    static void fromTask0(List<TaskRuntime> tasks, List<FileSelection.Selection> selections) {
        TaskRuntime t0 = tasks.get(0);
        MpiTrust.ensure(tasks); // task0 may log in to every task
        Set<String> paths = new LinkedHashSet<>();
        for (FileSelection.Selection sel : selections) {
            sel.files().stream().map(FileCopy::relative).forEach(paths::add);
            paths.addAll(sel.emptyDirs());
        }
        String list = t0.home() + "/.fastgpu/relay-list";
        t0.write(list, String.join("\0", paths) + "\0");
        StringBuilder script = new StringBuilder("cd " + ShellQuote.quote(t0.home()) + " || exit 1\npids=()\n");
        for (TaskRuntime t : tasks.subList(1, tasks.size())) {
            String remote = "mkdir -p " + ShellQuote.quote(t.home()) + " && tar -x -f - -C " + ShellQuote.quote(t.home());
            script.append("tar -c -f - --null -T ").append(ShellQuote.quote(list)).append(" | ssh -o BatchMode=yes ")
                    .append(ShellQuote.quote(t.ip())).append(' ').append(ShellQuote.quote(remote))
                    .append(" & pids+=($!)\n");
        }
        script.append("rc=0; for p in \"${pids[@]}\"; do wait \"$p\" || rc=1; done; exit $rc\n");
        var r = t0.runRaw(script.toString());
        if (r.exitCode() != 0) {
            throw new FastGpuException(t0.name() + ": passing the upload on to the other tasks failed: "
                    + r.stderr().strip().lines().reduce((a, b) -> b).orElse("exit " + r.exitCode()));
        }
    }
}
