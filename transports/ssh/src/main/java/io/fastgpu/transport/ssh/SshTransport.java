package io.fastgpu.transport.ssh;

import io.fastgpu.api.CommandTimeoutException;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.FileStamp;
import io.fastgpu.core.files.KeptListings;
import io.fastgpu.core.files.StaleListing;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.core.util.ShellQuote;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Runs commands and moves files on a machine over SSH: commands on exec channels of the host's one
 * connection, small files over SFTP, trees as one streamed tar each way. Which files travel (only those
 * whose size or modification time differ) is decided above the transport, for every backend alike.
 */
public final class SshTransport implements Transport {
    /** Scripts longer than this go by file: one exec argument is limited to 128 KiB on Linux. */
    private static final int MAX_INLINE_SCRIPT = 100_000;

    private final SshConnector connector;
    private final SshTarget target;
    private final String name;
    private final Map<String, String> environment;
    private final HomeFolder home;
    /** The uploads' destinations listed on a connection, kept while it lives (see {@link KeptListings}). */
    private static final org.apache.sshd.common.AttributeRepository.AttributeKey<KeptListings> LISTINGS =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();
    /** The listing this transport last took of each destination, which the upload that follows it updates. */
    private final Map<String, KeptListings.Listing> listed = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param name        the machine's name in messages
     * @param environment exported in every command (e.g. the marker that finds a job's processes)
     * @param workdir     the task's own folder, relative to the login's home (created on first use), or
     *                    null to use the login's home itself
     */
    public SshTransport(SshConnector connector, SshTarget target, String name, Map<String, String> environment,
                        String workdir) {
        this.connector = connector;
        this.target = target;
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.home = new HomeFolder(connector.loginHomes(), target, name, workdir);
    }

    private ClientSession session() { return connector.session(target); }

    @Override
    public String home() { return home.path(this::session, this::runAsIs); }

    private int runAsIs(String script, OutputStream out) {
        return runOnChannel(script, out, null, null, null, Duration.ofSeconds(30));
    }

    /** For what runs no command of its own (SFTP, an interactive shell): checks a remembered home first. */
    private void checkHome() {
        home();
        if (home.unchecked() != null) run(":", OutputStream.nullOutputStream(), null, null, Duration.ofSeconds(30));
    }

    /**
     * Forgets what this connection knows of the folder {@code workdir} (relative to the login's home): it was removed,
     * and is made again on its next use.
     */
    public void forgetFolder(String workdir) { HomeFolder.forget(session(), workdir); }

    /** The listings kept on this connection. */
    public KeptListings keptListings() {
        return session().computeAttributeIfAbsent(LISTINGS, k -> new KeptListings());
    }

    @Override
    public Map<String, FileStamp> stamps(String remoteBase, Collection<String> tops) {
        if (tops.isEmpty()) return new HashMap<>();
        KeptListings.Listing listing = keptListings().listing(home() + "/.fastgpu/listings", remoteBase, tops);
        listed.put(remoteBase, listing);
        // Trusted without a round trip: the upload checks it on the machine before it writes.
        Map<String, FileStamp> kept = listing.kept();
        if (kept != null) return kept;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exec(listing.script(), new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { }
        }, Duration.ofMinutes(5));
        return listing.read(out.toByteArray());
    }

    @Override
    public void confirmListing(String remoteBase) {
        KeptListings.Listing listing = listed.remove(remoteBase);
        if (listing == null || !listing.unchecked()) return;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exec(listing.check(), new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { }
        }, Duration.ofMinutes(5));
        if (!listing.confirmed(out.toString(StandardCharsets.UTF_8))) throw stale(remoteBase);
    }

    private StaleListing stale(String remoteBase) {
        return new StaleListing(name + ": the files under " + remoteBase + " changed since they were last listed");
    }

    @Override
    public int exec(String bashScript, OutputSink sink, Duration timeout, InputStream input) {
        OutputStream out = ChannelOutput.toSink(sink, false);
        OutputStream err = ChannelOutput.toSink(sink, true);
        String tmp = null;
        String script = bashScript;
        if (script.length() > MAX_INLINE_SCRIPT) {
            tmp = "/tmp/fastgpu-script-" + UUID.randomUUID() + ".sh";
            write(tmp, script.getBytes(StandardCharsets.UTF_8));
            script = ". " + ShellQuote.quote(tmp) + "\n";
        }
        try {
            return run(prelude() + script, out, err, null, input, timeout);
        } finally {
            if (tmp != null) run("rm -f " + ShellQuote.quote(tmp), OutputStream.nullOutputStream(), null, null, Duration.ofSeconds(30));
        }
    }

    /** Every command starts in the task's home folder, with the task's environment. */
    private String prelude() {
        String h = ShellQuote.quote(home());
        // Made again where it went away since it was first used on this connection.
        StringBuilder sb = new StringBuilder("cd " + h + " 2>/dev/null || { mkdir -p " + h + " && cd " + h + "; } || exit 1\n");
        environment.forEach((k, v) -> sb.append("export ").append(k).append('=').append(ShellQuote.quote(v)).append('\n'));
        return sb.toString();
    }

    /**
     * Runs {@code script} under bash on one exec channel. With a timeout, the remote side enforces it too
     * ({@code timeout} kills the command's whole process group), so nothing keeps running after we give up.
     */
    private int run(String script, OutputStream out, OutputStream err, StdinWriter stdin, Duration timeout) {
        return run(script, out, err, stdin, null, timeout);
    }

    /**
     * Like {@link #run(String, OutputStream, OutputStream, StdinWriter, Duration)}, the command's standard input read
     * from {@code input} where given (MINA pumps it on a thread of its own, and stops that thread, interrupting it, when
     * the channel closes; the stream itself is left open).
     */
    private int run(String script, OutputStream out, OutputStream err, StdinWriter stdin, InputStream input, Duration timeout) {
        String login = home.unchecked();
        int status = runOnChannel(login == null ? script : HomeFolder.leadingCheck(login) + script, out, err, stdin, input, timeout);
        if (login != null) home.checked(session(), login, status, this::runAsIs);
        return status;
    }

    private int runOnChannel(String script, OutputStream out, OutputStream err, StdinWriter stdin, InputStream input, Duration timeout) {
        String command = "exec " + (timeout != null ? "timeout -s KILL " + Math.max(1, timeout.toSeconds() + 1) + " " : "")
                + "bash -c " + ShellQuote.quote(script);
        java.io.PipedOutputStream feed = null;
        ChannelOutput.Watch watch = new ChannelOutput.Watch();
        try (ChannelExec ch = session().createExecChannel(command)) {
            ch.setOut(watch.of(out));
            ch.setErr(watch.of(err != null ? err : OutputStream.nullOutputStream()));
            if (stdin == null) {
                ch.setIn(input == null ? InputStream.nullInputStream() : new java.io.FilterInputStream(input) {
                    @Override public void close() { } // the caller's
                });
            } else {
                // MINA pumps standard input from this pipe on its own; we write the pipe here.
                PipedInputStream pipe = new PipedInputStream(1 << 20);
                feed = new java.io.PipedOutputStream(pipe);
                ch.setIn(pipe);
            }
            ch.open().verify(Duration.ofSeconds(20));
            IOException stdinFailure = null;
            if (stdin != null) {
                try (OutputStream in = feed) {
                    stdin.write(in);
                } catch (IOException e) {
                    stdinFailure = e; // the command ended early: its exit code and stderr say why
                }
            }
            if (stdinFailure != null) {
                ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30).toMillis());
                if (ch.getExitStatus() == null) throw stdinFailure;
            }
            long waitMs = timeout == null ? 0 : timeout.toMillis() + 5000;
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED,
                    ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.EXIT_SIGNAL), waitMs);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new CommandTimeoutException(name, "command", timeout);
            }
            if (!events.contains(ClientChannelEvent.CLOSED)) ChannelOutput.drainAfterExit(ch, watch);
            Integer status = ch.getExitStatus();
            if (status == null && ch.getExitSignal() != null) {
                status = 128 + signalNumber(ch.getExitSignal()); // killed, as a shell would report it
            }
            if (status == null) {
                throw new FastGpuException(name + ": the connection to " + target.display() + " was lost while a command"
                        + " ran; it may still be running there (see 'fastgpu ls' and the run's log folder)");
            }
            if (timeout != null && status == 137) throw new CommandTimeoutException(name, "command", timeout);
            // A reader that exits 0 got what it needed (tar stops after the end-of-archive blocks, and the
            // last record's padding may find the channel closed): only a failing reader makes it an error.
            return status;
        } catch (IOException e) {
            throw new FastGpuException(name + ": command failed on " + target.display() + ": " + e.getMessage(), e);
        }
    }

    private static int signalNumber(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ABRT" -> 6;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            default -> 15;
        };
    }

    /** Writes standard input of a remote command, e.g. a tar stream. */
    @FunctionalInterface
    private interface StdinWriter {
        void write(OutputStream in) throws IOException;
    }

    @Override
    public void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite,
                       LongConsumer bytesCopied) {
        if (files.isEmpty() && emptyDirs.isEmpty()) {
            confirmListing(remoteBase);
            return;
        }
        String base = ShellQuote.quote(remoteBase);
        KeptListings.Listing listing = listed.remove(remoteBase);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // tar stops reading at the end-of-archive blocks; cat takes the rest so the sender never hits a closed channel.
        int rc = -1;
        boolean stale = false;
        try {
            rc = run((listing == null ? "" : listing.beforeUpload()) + "mkdir -p " + base + " && { tar -x -f - -C " + base
                            + " --no-same-owner" + (dontOverwrite ? " --skip-old-files" : "") + "; rc=$?; cat > /dev/null; "
                            + (listing == null ? "" : listing.afterUpload()) + "exit $rc; }",
                    out, err, in -> TarStreams.write(files, emptyDirs, in, bytesCopied::accept), null);
        } finally {
            // Files tar skipped (--skip-old-files) are not what was sent: the listing is not kept after such an upload.
            if (listing != null) stale = listing.uploaded(files, out.toString(StandardCharsets.UTF_8), rc == 0 && !dontOverwrite);
        }
        if (stale) throw stale(remoteBase);
        if (rc != 0) {
            throw new FastGpuException(name + ": upload to " + remoteBase + " failed (tar exit " + rc + "): "
                    + err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    @Override
    public void download(String remotePath, Path local) {
        ByteArrayOutputStream kind = new ByteArrayOutputStream();
        String q = ShellQuote.quote(remotePath);
        run("if [ -d " + q + " ]; then echo dir; elif [ -e " + q + " ]; then echo file; else echo none; fi", kind, null, null,
                Duration.ofSeconds(30));
        String k = kind.toString(StandardCharsets.UTF_8).strip();
        if (k.equals("none")) throw new FastGpuException(name + ": " + remotePath + " does not exist; nothing to download");
        boolean dir = k.equals("dir");
        String cmd = dir ? "tar -c -f - -C " + q + " ." : "tar -c -f - -C \"$(dirname " + q + ")\" \"$(basename " + q + ")\"";
        AtomicReference<IOException> failure = new AtomicReference<>();
        try (PipedInputStream in = new PipedInputStream(1 << 20); PipedOutputStream pipe = new PipedOutputStream(in)) {
            Thread reader = new Thread(() -> {
                try {
                    if (dir) Files.createDirectories(local);
                    TarStreams.extract(in, local, !dir);
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    failure.set(e);
                }
            }, "ssh-download");
            reader.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc;
            try {
                rc = run(cmd, pipe, err, null, null);
            } finally {
                pipe.close();
            }
            reader.join();
            if (rc != 0) throw new FastGpuException(name + ": download of " + remotePath + " failed: " + err.toString(StandardCharsets.UTF_8).strip());
            if (failure.get() != null) throw failure.get();
        } catch (IOException e) {
            throw new FastGpuException(name + ": download of " + remotePath + " to " + local + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted", e);
        }
    }

    private SftpClient sftp() throws IOException {
        checkHome();
        return SftpClientFactory.instance().createSftpClient(session());
    }

    @Override
    public boolean exists(String remotePath) {
        try (SftpClient sftp = sftp()) {
            sftp.stat(remotePath);
            return true;
        } catch (org.apache.sshd.sftp.common.SftpException e) {
            return false;
        } catch (IOException e) {
            throw new FastGpuException(name + ": cannot check " + remotePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String remotePath) {
        try (SftpClient sftp = sftp(); InputStream in = sftp.read(remotePath)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new FastGpuException(name + ": cannot read " + remotePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String remotePath, byte[] contents) {
        int slash = remotePath.lastIndexOf('/');
        String dir = slash > 0 ? remotePath.substring(0, slash) : "/";
        String tmp = dir + "/.fastgpu-write-" + UUID.randomUUID();
        try (SftpClient sftp = sftp()) {
            try (OutputStream out = sftp.write(tmp)) {
                out.write(contents);
            } catch (org.apache.sshd.sftp.common.SftpException e) {
                run("mkdir -p " + ShellQuote.quote(dir), OutputStream.nullOutputStream(), null, null, Duration.ofSeconds(30));
                try (OutputStream out = sftp.write(tmp)) {
                    out.write(contents);
                }
            }
            var posix = sftp.getExtension(org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension.class);
            if (posix != null && posix.isSupported()) {
                posix.posixRename(tmp, remotePath); // atomic replace, as rename(2)
            } else {
                try {
                    sftp.remove(remotePath);
                } catch (org.apache.sshd.sftp.common.SftpException absent) {
                    // nothing to replace
                }
                sftp.rename(tmp, remotePath);
            }
        } catch (IOException e) {
            throw new FastGpuException(name + ": cannot write " + remotePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> interactive(String remoteCommand) {
        checkHome();
        var e = connector.resolve(target);
        List<String> argv = new ArrayList<>(List.of("ssh", "-t", "-p", String.valueOf(e.getPort()),
                "-o", "UserKnownHostsFile=" + connector.hostKeys().knownHostsFiles(), "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=no", "-o", "LogLevel=ERROR"));
        for (String id : e.getIdentities()) argv.addAll(List.of("-i", id));
        if (e.getProxyJump() != null && !e.getProxyJump().isBlank()) argv.addAll(List.of("-J", e.getProxyJump()));
        argv.add(e.getUsername() + "@" + e.getHostName());
        String prelude = prelude().replace('\n', ';').replace("|| exit 1;", "&&");
        argv.add(prelude + " " + (remoteCommand == null || remoteCommand.isBlank() ? "exec bash -l" : remoteCommand));
        return argv;
    }
}
