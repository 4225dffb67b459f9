package io.fastgpu.core.transport;

import io.fastgpu.api.CommandTimeoutException;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.LocalCopy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * What the transports of the machine FastGPU itself runs on have in common (the local backend's instances, a Slurm
 * login node that is this machine): commands are processes of this machine, and remote paths are its own files.
 * Each error names {@code who} the transport serves ("task0.job: ..."), or nothing when it is empty.
 */
public final class ThisMachine {
    /** How long to keep reading after the shell exited, for output its background children still write. */
    private static final long DRAIN_MILLIS = 1000;

    private ThisMachine() { }

    /**
     * Runs {@code pb} (its input a pipe fed from {@code stdin}, or {@code /dev/null} without one) and streams its
     * output to {@code sink}; the exit code. A command past {@code timeout}, or whose caller is interrupted, is ended
     * by {@code end} and reported as such.
     */
    public static int run(ProcessBuilder pb, OutputSink sink, Duration timeout, InputStream stdin, String who,
                          String threads, Consumer<Process> end) {
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new FastGpuException(prefix(who) + "cannot start bash on this machine: " + e.getMessage(), e);
        }
        Thread out = OutputSink.pump(p.getInputStream(), sink, false, threads + "-stdout");
        Thread err = OutputSink.pump(p.getErrorStream(), sink, true, threads + "-stderr");
        StdinFeed feed = stdin == null ? null : StdinFeed.start(stdin, p.getOutputStream(), threads + "-stdin");
        try {
            boolean done = timeout == null ? p.waitFor(Long.MAX_VALUE, TimeUnit.DAYS) : p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                end.accept(p);
                throw new CommandTimeoutException(who.isEmpty() ? "this machine" : who, "command", timeout);
            }
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
            return p.exitValue();
        } catch (InterruptedException e) {
            end.accept(p);
            Thread.currentThread().interrupt();
            throw new FastGpuException(prefix(who) + "interrupted", e);
        } finally {
            if (feed != null) feed.stop();
        }
    }

    /** Ends a process and everything it started at once. */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Copies {@code files} (and makes {@code emptyDirs}) under {@code remoteBase}, a folder of this machine. */
    public static void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite,
                              LongConsumer bytesCopied, String who) {
        try {
            LocalCopy.copy(files, emptyDirs, Path.of(remoteBase), dontOverwrite, bytesCopied);
        } catch (IOException e) {
            throw new FastGpuException(prefix(who) + "upload to " + remoteBase + " failed: " + e, e);
        }
    }

    /** Copies the file or folder {@code remotePath} of this machine to {@code local}, times kept. */
    public static void download(String remotePath, Path local, String who) {
        Path src = Path.of(remotePath);
        if (!Files.exists(src)) throw new FastGpuException(prefix(who) + remotePath + " does not exist; nothing to download");
        try {
            if (Files.isDirectory(src)) {
                try (Stream<Path> walk = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path target = local.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) Files.createDirectories(target);
                        else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            } else {
                if (local.getParent() != null) Files.createDirectories(local.getParent());
                Files.copy(src, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new FastGpuException(prefix(who) + "download of " + remotePath + " to " + local + " failed: " + e, e);
        }
    }

    /** The contents of {@code remotePath}, a file of this machine. */
    public static byte[] read(String remotePath, String who) {
        try {
            return Files.readAllBytes(Path.of(remotePath));
        } catch (IOException e) {
            throw new FastGpuException(prefix(who) + "cannot read " + remotePath + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code remotePath} whole or not at all (a temporary file beside it, then moved over it). */
    public static void write(String remotePath, byte[] contents, String who) {
        Path target = Path.of(remotePath);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".fastgpu-write", ".tmp");
            try {
                Files.write(tmp, contents);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new FastGpuException(prefix(who) + "cannot write " + remotePath + ": a folder is in the way", e);
        } catch (IOException e) {
            throw new UncheckedIOException(prefix(who) + "cannot write " + remotePath, e);
        }
    }

    private static String prefix(String who) { return who.isEmpty() ? "" : who + ": "; }
}
