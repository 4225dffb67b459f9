package io.fastgpu.provider.slurm;

import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.ThisMachine;
import io.fastgpu.core.transport.Transport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The login node when FastGPU runs on it ({@code local: true}): Slurm's commands are processes of this machine
 * and the shared home is this machine's file system.
 */
final class LocalLogin implements Transport {
    /** What its errors name. */
    private static final String WHO = "slurm login";
    private final Path home;

    LocalLogin(Path home) { this.home = home; }

    @Override public String home() { return home.toString(); }

    @Override
    public int exec(String bashScript, OutputSink sink, Duration timeout, java.io.InputStream stdin) {
        // A user home that does not exist (yet) is no reason to fail: Slurm's commands need no folder of their own.
        File dir = Files.isDirectory(home) ? home.toFile() : new File("/");
        return ThisMachine.run(new ProcessBuilder("bash", "-c", bashScript).directory(dir), sink, timeout, stdin, WHO,
                "slurm", LocalLogin::end);
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
        if (!ended) ThisMachine.kill(p);
    }

    @Override
    public void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite, LongConsumer bytesCopied) {
        ThisMachine.upload(files, emptyDirs, remoteBase, dontOverwrite, bytesCopied, WHO);
    }

    @Override public void download(String remotePath, Path local) { ThisMachine.download(remotePath, local, WHO); }

    @Override public boolean exists(String remotePath) { return Files.exists(Path.of(remotePath)); }

    @Override public byte[] read(String remotePath) { return ThisMachine.read(remotePath, WHO); }

    @Override public void write(String remotePath, byte[] contents) { ThisMachine.write(remotePath, contents, WHO); }

    @Override
    public List<String> interactive(String remoteCommand) {
        return List.of("bash", "-c", remoteCommand == null || remoteCommand.isBlank() ? "exec bash -i" : remoteCommand);
    }
}
