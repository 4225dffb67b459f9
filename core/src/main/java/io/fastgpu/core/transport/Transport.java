package io.fastgpu.core.transport;

import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.FileStamp;
import io.fastgpu.core.util.ShellQuote;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    default int exec(String bashScript, OutputSink sink, Duration timeout) {
        return exec(bashScript, sink, timeout, null);
    }

    /**
     * Runs a bash script in {@link #home()} with {@code stdin} as its standard input ({@code null}: closed), and
     * waits for it. The input is read only as the script reads it, on a thread of the transport's own; when the script
     * ends that thread stops (it is interrupted where it waits), so an input that never ends holds nothing up. The
     * stream is not closed here.
     *
     * @return its exit code
     * @throws io.fastgpu.api.CommandTimeoutException after {@code timeout} (the script is killed)
     */
    int exec(String bashScript, OutputSink sink, Duration timeout, InputStream stdin);

    /**
     * Copies local files to {@code remoteBase/<relative>}, creating folders, replacing what is there (with
     * {@code dontOverwrite}, keeping it) and keeping each file's modification time; reports bytes copied.
     * Which files need to travel is decided above ({@link io.fastgpu.core.files.UploadDelta}).
     *
     * @throws io.fastgpu.core.files.StaleListing when {@link #stamps} answered from a kept listing and the machine's
     *         files changed since: nothing was written; list again and upload again
     */
    void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite,
                LongConsumer bytesCopied);

    /**
     * Relative path → size and modification time of every file under {@code remoteBase/<top>} on the machine
     * for each of {@code tops} (the first path segments of an upload's files; missing ones are skipped): one
     * round trip, and only where the upload lands, so an upload can send only what changed.
     */
    default Map<String, FileStamp> stamps(String remoteBase, Collection<String> tops) {
        if (tops.isEmpty()) return new HashMap<>();
        StringBuilder paths = new StringBuilder();
        for (String t : tops) paths.append(' ').append(ShellQuote.quote("./" + t)); // never read as an option
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exec("cd " + ShellQuote.quote(remoteBase) + " 2>/dev/null && find" + paths + " -type f -printf '%s %T@ %p\\0' 2>/dev/null; true",
                new OutputSink() {
                    @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
                    @Override public void stderr(byte[] b, int n) { }
                }, Duration.ofMinutes(5));
        return io.fastgpu.core.files.KeptListings.parse(out.toString(StandardCharsets.UTF_8).split("\0"));
    }

    /**
     * For an upload with nothing to send: checks that {@link #stamps}' last answer for {@code remoteBase} still
     * holds, when it came from a kept listing rather than from the machine (nothing to do otherwise).
     *
     * @throws io.fastgpu.core.files.StaleListing when it no longer holds: list again
     */
    default void confirmListing(String remoteBase) { }

    /** Copies a remote file or folder to {@code local} (the folder itself becomes {@code local}). */
    void download(String remotePath, Path local);

    boolean exists(String remotePath);

    byte[] read(String remotePath);

    /** Writes a file atomically, creating its folder. */
    void write(String remotePath, byte[] contents);

    /** A local command line that opens an interactive shell on the machine, running {@code remoteCommand} if given. */
    List<String> interactive(String remoteCommand);
}
