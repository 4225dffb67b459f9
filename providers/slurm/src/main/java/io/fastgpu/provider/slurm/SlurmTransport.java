package io.fastgpu.provider.slurm;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.core.util.ShellQuote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One task: a node of its job's allocation. Commands run there as steps of the allocation ({@code srun --overlap}
 * on that node), started from the login node; files go through the login node's file system when the home is
 * shared, else to the node itself.
 */
final class SlurmTransport implements Transport {
    private final Slurm slurm;
    private final String jobId;
    private final String node;
    private final String instanceId;
    private final String name;
    private final String home;

    SlurmTransport(Slurm slurm, String jobId, String node, String instanceId, String name, String home) {
        this.slurm = slurm;
        this.jobId = jobId;
        this.node = node;
        this.instanceId = instanceId;
        this.name = name;
        this.home = home;
    }

    @Override public String home() { return home; }

    private Transport login() { return slurm.login(); }

    private boolean shared() { return slurm.cluster().sharedHome(); }

    /** The login's command line that runs {@code script} as a step on this task's node, marked as the task's. */
    String stepCommand(String script, String extraSrunOptions) {
        // srun hands the login's environment to the step. Reached over SSH, that has SSH_CLIENT, with which every
        // non-interactive bash on the node takes itself for an sshd's command and reads ~/.bashrc (conda, pyenv,
        // module loads) at each step: a step is not an SSH session.
        return slurm.env() + "unset SSH_CLIENT SSH2_CLIENT SSH_CONNECTION SSH_TTY\n"
                + ProcessMarker.INSTANCE + "=" + ShellQuote.quote(instanceId) + " exec srun --jobid=" + jobId
                + " --overlap -N1 -n1 -w " + ShellQuote.quote(node) + " --quiet --chdir=/ " + extraSrunOptions
                // A session of its own, led by the marked shell: what it orphans is found by its session when the task ends.
                + "setsid -w bash -c " + ShellQuote.quote(script);
    }

    @Override
    public int exec(String bashScript, OutputSink sink, Duration timeout, java.io.InputStream stdin) {
        // The step's one task reads srun's input, which reads the login's command's input: the given stream, or none.
        return run("cd " + ShellQuote.quote(home) + " || exit 1\n" + bashScript, sink, timeout,
                stdin == null ? "--input=none " : "--input=all ", stdin);
    }

    private int run(String script, OutputSink sink, Duration timeout, String srunOptions) {
        return run(script, sink, timeout, srunOptions, null);
    }

    private int run(String script, OutputSink sink, Duration timeout, String srunOptions, java.io.InputStream stdin) {
        StepErrors errors = new StepErrors(sink);
        int rc = login().exec(stepCommand(script, srunOptions), errors, timeout, stdin);
        errors.flush();
        if (rc != 0) checkAllocation();
        return rc;
    }

    /** Says, in one line, why a step failed when the allocation itself has ended (time limit, cancelled, node lost). */
    private void checkAllocation() {
        var a = slurm.allocation(jobId);
        if (a.isPresent() && a.get().running()) return;
        // COMPLETING is on the way to the state that says why (CANCELLED, TIMEOUT ...): wait for it, briefly.
        for (int i = 0; i < 40 && a.isPresent() && a.get().state().equals("COMPLETING"); i++) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            a = slurm.allocation(jobId);
        }
        String state = a.map(Allocation::state).orElse("gone");
        String reason = a.map(Allocation::reason).filter(r -> !r.equals("None")).map(r -> ", " + r).orElse("");
        String why = switch (state) {
            case "TIMEOUT" -> "its time limit was reached; ask for more time ('time:' in the cluster file)";
            case "CANCELLED" -> "it was cancelled (scancel, or by an administrator)";
            case "NODE_FAIL" -> "a node failed";
            case "PREEMPTED" -> "it was preempted";
            default -> "Slurm ended it";
        };
        throw new FastGpuException(name + ": the Slurm allocation " + jobId + " ended while the step ran (" + state + reason + "): "
                + why + "; relaunch to get a new allocation");
    }

    /** Drops srun's own summary lines ({@code srun: error: n1: task 0: Exited with exit code 3}) from a step's stderr. */
    private static final class StepErrors implements OutputSink {
        private final OutputSink sink;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        StepErrors(OutputSink sink) { this.sink = sink; }

        @Override public void stdout(byte[] b, int n) { sink.stdout(b, n); }

        @Override
        public synchronized void stderr(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                line.write(b[i]);
                if (b[i] == '\n') emit();
            }
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (s.matches("(?s)srun: error: \\S+: tasks? [0-9,-]+: (Exited with exit code \\d+|Killed|Terminated|Segmentation fault.*)\\n?")
                    || s.matches("(?s)srun: (Job step aborted|Force Terminated).*") || s.contains("mpi/pmix")) {
                return;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            sink.stderr(bytes, bytes.length);
        }

        synchronized void flush() { if (line.size() > 0) emit(); }
    }

    private String capture(String script, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = run(script, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { err.write(b, 0, n); }
        }, Duration.ofMinutes(10), "--input=none ");
        if (rc != 0) throw new FastGpuException(name + ": " + what + " failed: " + Slurm.oneLine(err.toString(StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite, LongConsumer bytesCopied) {
        if (shared()) {
            login().upload(files, emptyDirs, remoteBase, dontOverwrite, bytesCopied);
            return;
        }
        // Not shared: stage on the login, pack, broadcast to the allocation's nodes (sbcast), unpack on this one.
        String stage = login().home() + "/.fastgpu-stage/" + UUID.randomUUID();
        login().upload(files, emptyDirs, stage + "/files", false, bytesCopied);
        String tar = "/tmp/fastgpu-upload-" + UUID.randomUUID() + ".tar";
        slurm.must("upload to " + name, "tar cf " + ShellQuote.quote(stage + "/files.tar") + " -C " + ShellQuote.quote(stage + "/files") + " ."
                + " && sbcast --jobid=" + jobId + " --force " + ShellQuote.quote(stage + "/files.tar") + " " + ShellQuote.quote(tar)
                + "; rc=$?; rm -rf " + ShellQuote.quote(stage) + "; exit $rc");
        capture("mkdir -p " + ShellQuote.quote(remoteBase) + " && tar xf " + ShellQuote.quote(tar) + " -C " + ShellQuote.quote(remoteBase)
                + (dontOverwrite ? " --skip-old-files" : "") + "; rc=$?; rm -f " + ShellQuote.quote(tar) + "; exit $rc", "upload");
    }

    @Override
    public void download(String remotePath, Path local) {
        if (shared()) {
            login().download(remotePath, local);
            return;
        }
        Path p = Path.of(remotePath);
        String packed = capture("tar cf - -C " + ShellQuote.quote(p.getParent().toString()) + " " + ShellQuote.quote(p.getFileName().toString()),
                "download of " + remotePath);
        try {
            Path tmp = Files.createTempDirectory("fastgpu-download");
            Process x = new ProcessBuilder("tar", "xf", "-", "-C", tmp.toString()).redirectErrorStream(true).start();
            x.getOutputStream().write(packed.getBytes(StandardCharsets.ISO_8859_1));
            x.getOutputStream().close();
            x.getInputStream().readAllBytes();
            if (!x.waitFor(5, TimeUnit.MINUTES) || x.exitValue() != 0) throw new FastGpuException(name + ": download of " + remotePath + " failed");
            if (local.getParent() != null) Files.createDirectories(local.getParent());
            new ProcessBuilder("cp", "-a", "-T", tmp.resolve(p.getFileName().toString()).toString(), local.toString()).start().waitFor();
            new ProcessBuilder("rm", "-rf", tmp.toString()).start().waitFor();
        } catch (IOException e) {
            throw new FastGpuException(name + ": download of " + remotePath + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException(name + ": download interrupted", e);
        }
    }

    @Override
    public boolean exists(String remotePath) {
        if (shared()) return login().exists(remotePath);
        return run("test -e " + ShellQuote.quote(remotePath), OutputSink.DISCARD, Duration.ofMinutes(1), "--input=none ") == 0;
    }

    @Override
    public byte[] read(String remotePath) {
        if (shared()) return login().read(remotePath);
        return capture("cat " + ShellQuote.quote(remotePath), "reading " + remotePath).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void write(String remotePath, byte[] contents) {
        if (shared()) {
            login().write(remotePath, contents);
            return;
        }
        String q = ShellQuote.quote(remotePath);
        capture("mkdir -p \"$(dirname " + q + ")\" && printf %s " + Base64.getEncoder().encodeToString(contents)
                + " | base64 -d > " + q + ".fastgpu-tmp && mv -f " + q + ".fastgpu-tmp " + q, "writing " + remotePath);
    }

    @Override
    public List<String> interactive(String remoteCommand) {
        String cmd = "cd " + ShellQuote.quote(home) + " && " + (remoteCommand == null || remoteCommand.isBlank() ? "exec bash -i" : remoteCommand);
        return login().interactive(stepCommand(cmd, "--pty "));
    }
}
