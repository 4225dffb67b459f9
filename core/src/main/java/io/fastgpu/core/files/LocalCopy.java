package io.fastgpu.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.LongConsumer;

/** An upload to a folder of this machine's file system (the local backend, a Slurm login that is this machine). */
public final class LocalCopy {
    private LocalCopy() { }

    /**
     * Copies {@code files} to {@code base/<relative>} and makes {@code emptyDirs}, keeping modification times; with
     * {@code dontOverwrite}, a file already there is kept. Reports the bytes of each file copied.
     */
    public static void copy(List<FileCopy> files, List<String> emptyDirs, Path base, boolean dontOverwrite,
                            LongConsumer bytesCopied) throws IOException {
        Files.createDirectories(base);
        for (String dir : emptyDirs) Files.createDirectories(base.resolve(dir));
        for (FileCopy f : files) {
            Path target = base.resolve(f.relative());
            if (dontOverwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) continue;
            Files.createDirectories(target.getParent());
            Files.copy(f.local(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            bytesCopied.accept(f.size());
        }
    }
}
