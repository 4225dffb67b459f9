package io.fastgpu.provider.local;

import io.fastgpu.api.CommandTimeoutException;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.StdinFeed;
import io.fastgpu.core.transport.Transport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/** Runs commands as processes of this machine, in the instance's sandbox home, marked as the instance's. */
final class LocalTransport implements Transport {
    /** How long to keep reading after the shell exited, for output its background children still write. */
    private static final long DRAIN_MILLIS = 1000;

    private final String instanceId;
    private final String instanceName;
    private final Path home;
    private final Runnable ensureRunning;

    /** @param ensureRunning throws when the instance was stopped or killed since this transport was made */
    LocalTransport(String instanceId, String instanceName, Path home, Runnable ensureRunning) {
        this.instanceId = instanceId;
        this.instanceName = instanceName;
        this.home = home;
        this.ensureRunning = ensureRunning;
    }

    @Override
    public String home() { return home.toString(); }

    /** The environment of the instance's processes: a fresh login's (see {@link LoginEnvironment}), marked as the instance's. */
    Map<String, String> environment(Map<String, String> client) {
        Map<String, String> env = LoginEnvironment.of(client, home.toString());
        env.put(ProcessMarker.INSTANCE, instanceId);
        return env;
    }

    @Override
    public int exec(String bashScript, OutputSink sink, Duration timeout, java.io.InputStream stdin) {
        ensureRunning.run();
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-c", bashScript)
                .directory(home.toFile())
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
        pb.environment().clear();
        pb.environment().putAll(environment(System.getenv()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new FastGpuException(instanceName + ": cannot start bash: " + e.getMessage(), e);
        }
        Thread out = OutputSink.pump(p.getInputStream(), sink, false, "local-stdout");
        Thread err = OutputSink.pump(p.getErrorStream(), sink, true, "local-stderr");
        StdinFeed feed = stdin == null ? null : StdinFeed.start(stdin, p.getOutputStream(), "local-stdin");
        try {
            boolean done = timeout == null ? p.waitFor(Long.MAX_VALUE, TimeUnit.DAYS) : p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new CommandTimeoutException(instanceName, "command", timeout);
            }
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
            return p.exitValue();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FastGpuException(instanceName + ": interrupted", e);
        } finally {
            if (feed != null) feed.stop();
        }
    }

    @Override
    public void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite,
                       LongConsumer bytesCopied) {
        try {
            io.fastgpu.core.files.LocalCopy.copy(files, emptyDirs, Path.of(remoteBase), dontOverwrite, bytesCopied);
        } catch (IOException e) {
            throw new FastGpuException(instanceName + ": upload to " + remoteBase + " failed: " + e, e);
        }
    }

    @Override
    public void download(String remotePath, Path local) {
        Path src = Path.of(remotePath);
        if (!Files.exists(src)) {
            throw new FastGpuException(instanceName + ": " + remotePath + " does not exist; nothing to download");
        }
        try {
            if (Files.isDirectory(src)) {
                try (Stream<Path> walk = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path target = local.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
            } else {
                if (local.getParent() != null) Files.createDirectories(local.getParent());
                Files.copy(src, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new FastGpuException(instanceName + ": download of " + remotePath + " to " + local + " failed: " + e, e);
        }
    }

    @Override
    public boolean exists(String remotePath) { return Files.exists(Path.of(remotePath)); }

    @Override
    public byte[] read(String remotePath) {
        try {
            return Files.readAllBytes(Path.of(remotePath));
        } catch (IOException e) {
            throw new FastGpuException(instanceName + ": cannot read " + remotePath + ": " + e.getMessage(), e);
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
        } catch (FileAlreadyExistsException e) {
            throw new FastGpuException(instanceName + ": cannot write " + remotePath + ": a folder is in the way", e);
        } catch (IOException e) {
            throw new UncheckedIOException(instanceName + ": cannot write " + remotePath, e);
        }
    }

    @Override
    public List<String> interactive(String remoteCommand) {
        String cmd = remoteCommand == null || remoteCommand.isBlank() ? "exec bash -i" : remoteCommand;
        List<String> line = new ArrayList<>(List.of("env", "-i"));
        environment(System.getenv()).forEach((k, v) -> line.add(k + "=" + v));
        line.addAll(List.of("bash", "-c", "cd \"$HOME\" && " + cmd));
        return line;
    }
}
