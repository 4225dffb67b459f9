package io.fastgpu.provider.slurm;

import io.fastgpu.api.CommandTimeoutException;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The login node when FastGPU runs on it ({@code local: true}): Slurm's commands are processes of this machine
 * and the shared home is this machine's file system.
 */
final class LocalLogin implements Transport {
    private static final long DRAIN_MILLIS = 1000;
    private final Path home;

    LocalLogin(Path home) { this.home = home; }

    @Override public String home() { return home.toString(); }

    @Override
    public int exec(String bashScript, OutputSink sink, Duration timeout, java.io.InputStream stdin) {
        // A user home that does not exist (yet) is no reason to fail: Slurm's commands need no folder of their own.
        File dir = Files.isDirectory(home) ? home.toFile() : new File("/");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", bashScript).directory(dir)
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new FastGpuException("cannot start bash on this machine: " + e.getMessage(), e);
        }
        Thread out = OutputSink.pump(p.getInputStream(), sink, false, "slurm-stdout");
        Thread err = OutputSink.pump(p.getErrorStream(), sink, true, "slurm-stderr");
        io.fastgpu.core.transport.StdinFeed feed = stdin == null ? null
                : io.fastgpu.core.transport.StdinFeed.start(stdin, p.getOutputStream(), "slurm-stdin");
        try {
            boolean done = timeout == null ? p.waitFor(Long.MAX_VALUE, TimeUnit.DAYS) : p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                end(p);
                throw new CommandTimeoutException("slurm login", "command", timeout);
            }
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
            return p.exitValue();
        } catch (InterruptedException e) {
            end(p);
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted", e);
        } finally {
            if (feed != null) feed.stop();
        }
    }

    /** TERM first, so that srun ends its step on the node; KILL what is left after a moment. */
    private static void end(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        boolean ended;
        try {
            ended = p.waitFor(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite, LongConsumer bytesCopied) {
        try {
            io.fastgpu.core.files.LocalCopy.copy(files, emptyDirs, Path.of(remoteBase), dontOverwrite, bytesCopied);
        } catch (IOException e) {
            throw new FastGpuException("upload to " + remoteBase + " failed: " + e, e);
        }
    }

    @Override
    public void download(String remotePath, Path local) {
        Path src = Path.of(remotePath);
        if (!Files.exists(src)) throw new FastGpuException(remotePath + " does not exist; nothing to download");
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
            throw new FastGpuException("download of " + remotePath + " to " + local + " failed: " + e, e);
        }
    }

    @Override public boolean exists(String remotePath) { return Files.exists(Path.of(remotePath)); }

    @Override
    public byte[] read(String remotePath) {
        try {
            return Files.readAllBytes(Path.of(remotePath));
        } catch (IOException e) {
            throw new FastGpuException("cannot read " + remotePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String remotePath, byte[] contents) {
        Path target = Path.of(remotePath);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".fastgpu-write", ".tmp");
            Files.write(tmp, contents);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + remotePath, e);
        }
    }

    @Override
    public List<String> interactive(String remoteCommand) {
        return List.of("bash", "-c", remoteCommand == null || remoteCommand.isBlank() ? "exec bash -i" : remoteCommand);
    }
}
