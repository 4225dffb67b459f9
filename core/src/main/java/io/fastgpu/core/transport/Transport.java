package io.fastgpu.core.transport;

import io.fastgpu.core.files.FileCopy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs commands and moves files on one reached machine. Paths are absolute paths on the machine;
 * the runtime resolves user paths against {@link #home()} once, above this seam.
 */
public interface Transport {
    /** The machine's home folder for FastGPU's user, absolute. */
    String home();

    /**
     * Runs a bash script in {@link #home()}, with standard input closed, and waits for it.
     *
     * @return its exit code
     * @throws io.fastgpu.api.CommandTimeoutException after {@code timeout} (the script is killed)
     */
    int exec(String bashScript, OutputSink sink, Duration timeout);

    /** Copies local files to {@code remoteBase/<relative>}, creating folders; reports bytes copied. */
    void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite,
                LongConsumer bytesCopied);

    /** Copies a remote file or folder to {@code local} (the folder itself becomes {@code local}). */
    void download(String remotePath, Path local);

    boolean exists(String remotePath);

    byte[] read(String remotePath);

    /** Writes a file atomically, creating its folder. */
    void write(String remotePath, byte[] contents);

    /** A local command line that opens an interactive shell on the machine, running {@code remoteCommand} if given. */
    List<String> interactive(String remoteCommand);
}
