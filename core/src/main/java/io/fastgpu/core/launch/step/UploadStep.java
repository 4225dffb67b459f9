package io.fastgpu.core.launch.step;

import io.fastgpu.api.Event;
import io.fastgpu.api.JobFailedException;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.Parallel;

import java.util.List;

/** The job file's uploads, to every task at once, or through task0 when the job asks for it. */
public final class UploadStep implements LaunchStep {
    @Override public String name() { return "upload"; }

    /** The job file's uploads to {@code tasks} directly (a machine that replaced a lost one). */
    static void uploadTo(LaunchState s, List<TaskRuntime> tasks) {
        var job = s.job();
        for (var u : job.upload()) {
            FileSelection.Selection sel = FileSelection.select(job.folder(), u);
            Parallel.all("upload " + u, tasks, TaskRuntime::name, t -> {
                t.upload(sel, null, false);
                return null;
            });
        }
    }

    @Override
    public String describe() { return "upload what changed of the job's files to every task"; }

    @Override
    public void run(LaunchState s) {
        JobRuntime j = s.requireRuntime();
        var job = s.job();
        List<FileSelection.Selection> selections = job.upload().stream().map(u -> FileSelection.select(job.folder(), u)).toList();
        for (FileSelection.Selection sel : selections) {
            sel.skipped().forEach(k -> s.fg().events().on(new Event.Notice(Event.Level.WARN, "upload: " + k.message())));
        }
        boolean relay = job.uploadViaTask0() && j.taskRuntimes().size() > 1
                && !s.fg().provider(job.backend()).capabilities().sharedRunRoot();
        List<TaskRuntime> direct = relay ? List.of(j.taskRuntimes().get(0)) : j.taskRuntimes();
        for (int i = 0; i < selections.size(); i++) {
            FileSelection.Selection sel = selections.get(i);
            try {
                Parallel.all("upload " + job.upload().get(i), direct, TaskRuntime::name, t -> {
                    t.upload(sel, null, false);
                    return null;
                });
            } catch (JobFailedException e) {
                if (direct.size() == 1) throw e.failures().get(0).cause();
                throw e;
            }
        }
        if (relay) UploadRelay.fromTask0(j.taskRuntimes(), selections);
    }
}
