package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.job.JobFile;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks, before a launch creates anything, that its downloads will have a folder to go to. */
final class OutputFolder {
    private OutputFolder() { }

    /**
     * Refuses an output folder that cannot be made: one of its parents is a file, or the nearest existing one
     * is not writable. Otherwise every step would run, and only the download at the end would fail.
     *
     * @param outDir the folder downloads go under ({@code <outDir>/<run name>})
     * @param given  whether the user named it with {@code --out}
     */
    static void check(JobFile job, Path outDir, boolean given) {
        if (job.download().isEmpty()) return;
        Path target = outDir.resolve(job.runName()).toAbsolutePath().normalize();
        String what = given ? "--out " + outDir : "the output folder " + outDir;
        String instead = given ? "pick another --out" : "pass --out DIR";
        for (Path p = target; p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                if (!Files.isWritable(p)) {
                    throw new InvalidSpecException(what + ": cannot create " + target + ": " + p + " is not writable; " + instead);
                }
                return;
            }
            if (Files.exists(p)) {
                throw new InvalidSpecException(what + ": " + p + " is a file, not a folder, so the downloads have nowhere "
                        + "to go; " + instead);
            }
        }
    }
}
