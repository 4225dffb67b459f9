package io.fastgpu.core.launch.step;

import io.fastgpu.core.runtime.JobRuntime;

import java.nio.file.Path;

/**
 * The job file's downloads, from task0, into a folder named like the run's log folder
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
        var t0 = j.taskRuntimes().get(0);
        for (String d : s.job().download()) {
            t0.download(d, out.resolve(Path.of(d).getFileName().toString()));
        }
    }
}
