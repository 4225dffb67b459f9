package io.fastgpu.core.launch.step;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.job.DownloadLayout;
import io.fastgpu.core.runtime.JobRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job file's downloads, from task0, each keeping its path relative to the task's home ({@link DownloadLayout}),
 * into a folder named like the run's log folder
 * ({@code fastgpu-out/gtc-demo}, then {@code gtc-demo.01} for the next run), so that a relaunch never
 * overwrites what an earlier run brought back, and the two names agree.
 */
public final class DownloadStep implements LaunchStep {
    private final Path outRoot;

    /** @param outRoot the folder the run's download folder is made in ({@code ./fastgpu-out}) */
    public DownloadStep(Path outRoot) { this.outRoot = outRoot; }

    @Override public String name() { return "download"; }

    @Override
    public String describe() { return "download from task0 into " + outRoot + "/<run's log folder name>"; }

    /** The folder the run's downloads go to. */
    public static Path folder(Path outRoot, JobRuntime job) {
        String logdir = job.logdir();
        return outRoot.resolve(logdir.substring(logdir.lastIndexOf('/') + 1));
    }

    @Override
    public void run(LaunchState s) {
        JobRuntime j = s.requireRuntime();
        Path out = folder(outRoot, j);
        List<String> failed = new ArrayList<>();
        List<String> paths = s.job().download();
        for (String remote : paths) {
            try {
                j.taskRuntimes().get(0).download(remote, out.resolve(DownloadLayout.localPath(remote)));
            } catch (FastGpuException e) {
                failed.add("'" + remote + "' (" + e.getMessage() + ")"); // the others are still delivered
            }
        }
        if (!failed.isEmpty()) {
            int delivered = paths.size() - failed.size();
            throw new FastGpuException("download: " + failed.size() + " of " + paths.size() + " not brought back: "
                    + String.join("; ", failed) + (delivered == 0 ? "" : "; the other " + delivered + " are in " + out));
        }
    }
}
