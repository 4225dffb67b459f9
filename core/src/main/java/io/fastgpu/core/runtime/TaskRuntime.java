package io.fastgpu.core.runtime;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.ExecResult;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.api.RunHandle;
import io.fastgpu.api.RunOptions;
import io.fastgpu.api.Task;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.files.StaleListing;
import io.fastgpu.core.files.UploadDelta;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.core.util.ShellQuote;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/** A task of a job: one machine reached through its provider's transport. */
public final class TaskRuntime implements Task {
    /** Longer commands go as a file: a script is one exec argument, limited to 128 KiB on Linux. */
    private static final int INLINE_COMMAND_LIMIT = 32 * 1024;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Provider provider;
    private final Instance instance;
    private final int index;
    private final String logdir;
    private final Map<String, String> taskEnv;
    private final EventListener events;
    private final Path localBase;
    private final ReentrantLock shellLock = new ReentrantLock();
    private volatile Transport transport;

    /**
     * @param logdir    the run's log folder on the machine (absolute)
     * @param taskEnv   environment every command of this task sees (rank, node IPs, ...)
     * @param localBase folder that relative local paths in {@code upload}/{@code download} resolve against
     */
    public TaskRuntime(Provider provider, Instance instance, int index, String logdir, Map<String, String> taskEnv,
                       EventListener events, Path localBase) {
        this.provider = provider;
        this.instance = instance;
        this.index = index;
        this.logdir = logdir;
        this.taskEnv = Map.copyOf(taskEnv);
        this.events = events;
        this.localBase = localBase;
    }

    @Override public String name() { return instance.name(); }
    @Override public int index() { return index; }
    @Override public String ip() { return instance.privateIp(); }
    @Override public String publicIp() { return instance.publicIp(); }
    @Override public String logdir() { return logdir; }

    /** Where the run folder {@code logdir} (as another machine of the run has it) is on this task's machine. */
    public String logdirOf(String logdir) { return RunFolder.on(provider, instance, logdir); }

    public Instance instance() { return instance; }

    /** The task's home folder on its machine, where relative paths land. */
    public String home() { return transport().home(); }

    Transport transport() {
        Transport t = transport;
        if (t == null) {
            t = provider.transport(instance);
            transport = t;
        }
        return t;
    }

    /** FastGPU's own folder on the machine. */
    String stateDir() { return transport().home() + "/.fastgpu"; }

    /** Where the Python package {@code fastgpu} ({@code fastgpu.metrics}) is kept on the machine; on every step's PYTHONPATH. */
    String pythonDir() { return stateDir() + "/python"; }

    /** The script that writes (or refreshes) the Python package {@code fastgpu} on the machine, owner-only. */
    String installPythonModule() {
        Map<String, String> files = new LinkedHashMap<>();
        MetricsFiles.pythonModule().forEach((name, text) -> files.put(pythonDir() + "/fastgpu/" + name, text));
        return ShellScripts.privateFiles(stateDir(), files, List.of());
    }

    /** Resolves a user path on the machine: absolute as is, {@code ~/x} and relative ones against home. */
    String remotePath(String path) {
        String home = transport().home();
        if (path == null || path.isEmpty() || path.equals("~") || path.equals(".")) return home;
        if (path.startsWith("~/")) return home + path.substring(1);
        if (path.startsWith("/")) return path;
        return home + "/" + path;
    }

    @Override
    public int run(String cmd, RunOptions options) {
        OutputCollector out = new OutputCollector(name(), false, options.stream() ? events : null);
        int rc = execInShell(cmd, options, out);
        if (rc != 0 && !options.ignoreErrors()) {
            throw new CommandFailedException(name(), cmd, rc, out.tail());
        }
        return rc;
    }

    @Override
    public ExecResult runWithOutput(String cmd) { return runWithOutput(cmd, RunOptions.DEFAULT); }

    /** Runs {@code cmd} with {@code options}' timeout, environment and input, and returns its output whatever it exits. */
    public ExecResult runWithOutput(String cmd, RunOptions options) {
        OutputCollector out = new OutputCollector(name(), true, null);
        int rc = execInShell(cmd, options, out);
        return new ExecResult(rc, out.stdout(), out.stderr());
    }

    /** Runs with per-call options and returns the collector's tail on failure; used by launch steps. */
    private int execInShell(String cmd, RunOptions options, OutputCollector out) {
        Map<String, String> env = new HashMap<>(taskEnv);
        env.putAll(options.env());
        env.put(ProcessMarker.INSTANCE, instance.id());
        String commandFile = stateDir() + "/cmd/" + newId() + ".sh";
        shellLock.lock();
        try {
            // A short command travels in the same request as the script that runs it: one round trip, not two.
            boolean inline = cmd.length() <= INLINE_COMMAND_LIMIT;
            if (!inline) transport().write(commandFile, cmd.getBytes(StandardCharsets.UTF_8));
            String script = ShellScripts.blocking(transport().home(), stateDir(), commandFile, inline ? cmd : null, env);
            int rc = transport().exec(script, out, options.timeout(), options.input());
            out.finish();
            return rc;
        } finally {
            shellLock.unlock();
        }
    }

    @Override
    public RunHandle runNonBlocking(String cmd) {
        String id = newId();
        String bg = stateDir() + "/bg/" + id;
        String logFile = logdir + "/" + name() + "." + id + ".log";
        Map<String, String> env = new HashMap<>(taskEnv);
        env.put(ProcessMarker.INSTANCE, instance.id());
        String runner = ShellScripts.background(transport().home(), stateDir(), bg + ".sh", logFile, bg + ".pid", bg + ".exit", env);
        // The command's files travel with the script that starts it (one round trip), owner-only like all of FastGPU's.
        Map<String, String> files = new LinkedHashMap<>();
        List<String> written = new ArrayList<>();
        if (cmd.length() <= INLINE_COMMAND_LIMIT) {
            files.put(bg + ".sh", cmd);
        } else {
            transport().write(bg + ".sh", cmd.getBytes(StandardCharsets.UTF_8));
            written.add(bg + ".sh");
        }
        files.put(bg + ".logpath", logFile);
        files.put(bg + ".run", runner);
        String launch = ShellScripts.privateFiles(stateDir(), files, written)
                + "mkdir -p " + ShellQuote.quote(logdir) + "\n"
                + "export " + ProcessMarker.INSTANCE + "=" + ShellQuote.quote(instance.id()) + "\n"
                + ShellScripts.detach(bg + ".run", logFile, tmuxSocket(), id);
        int rc = transport().exec(launch, OutputSink.DISCARD, Duration.ofSeconds(30));
        if (rc != 0) {
            throw new FastGpuException(name() + ": could not start a background command (exit " + rc + ")");
        }
        events.on(new Event.Notice(Event.Level.INFO, name() + ": started " + id + ", output in " + logFile));
        return new BackgroundCommand(this, id, logFile, bg);
    }

    /** A local command line for an interactive session on the machine, running {@code remoteCommand} if given. */
    public List<String> transportCommand(String remoteCommand) { return transport().interactive(remoteCommand); }

    /** The tmux socket of this task, where its non-blocking commands run when tmux is installed. */
    public String tmuxSocket() { return stateDir() + "/tmux.sock"; }

    @Override
    public RunHandle handle(String id) {
        if (!id.matches("[0-9A-Za-z-]+")) throw new NotFoundException(name() + ": no background command '" + id + "'");
        String bg = stateDir() + "/bg/" + id;
        if (!transport().exists(bg + ".logpath")) {
            throw new NotFoundException(name() + ": no background command '" + id + "'");
        }
        return new BackgroundCommand(this, id, new String(transport().read(bg + ".logpath"), StandardCharsets.UTF_8), bg);
    }

    @Override
    public List<RunHandle> handles() {
        ExecResult r = runRaw("ls -1 " + ShellQuote.quote(stateDir() + "/bg")
                + " 2>/dev/null | sed -n 's/\\.logpath$//p' | sort");
        List<RunHandle> result = new ArrayList<>();
        for (String id : r.stdout().split("\n")) {
            if (!id.isBlank()) result.add(handle(id.strip()));
        }
        return result;
    }

    @Override
    public void awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (RunHandle h : handles()) {
            h.await(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
    }

    /** Ends every process on this task whose environment has {@code name=value} (see {@link ProcessMarker}); best effort. */
    public void endMarked(String name, String value) {
        runRaw(ProcessMarker.endScript(name, value));
    }

    /**
     * Ends what is left on this task of earlier launches' steps: their processes still run when a launch was
     * killed (SIGKILL, a lost connection) before it could end them. For the start of a launch, before its
     * first step; commands run outside launches ({@code exec}, non-blocking ones) are left alone.
     */
    public void endStaleSteps() { endStaleStepsAfter(""); }

    /**
     * The start of a launch on this task, in one round trip: a fresh shell state (as {@link #resetShell()}) and
     * no step of an earlier launch still running (as {@link #endStaleSteps()}), and no limit of an earlier launch
     * left in the machine's watchdog (the launch's guard step sets this one's).
     */
    public void startFresh() {
        endStaleStepsAfter("rm -rf " + ShellQuote.quote(stateDir() + "/shell") + "\n" + Watchdog.offScript(home(), instance.id()));
    }

    private void endStaleStepsAfter(String script) {
        ExecResult r = runRaw(script + ProcessMarker.endScript(ProcessMarker.INSTANCE, instance.id(), ProcessMarker.STEP));
        if (r.exitCode() != 0) {
            throw new FastGpuException(name() + ": could not end the steps of an earlier launch: " + r.stderr().strip());
        }
    }

    /** Forgets the saved shell state (working directory, variables): the next run starts fresh in the home folder. */
    public void resetShell() {
        runRaw("rm -rf " + ShellQuote.quote(stateDir() + "/shell"));
    }

    /** Runs a helper script in the home folder, outside the user's shell state (which it neither sees nor changes). */
    public ExecResult runRaw(String script) {
        OutputCollector out = new OutputCollector(name(), true, null);
        int rc = transport().exec(script, out, Duration.ofMinutes(2));
        out.finish();
        return new ExecResult(rc, out.stdout(), out.stderr());
    }

    @Override
    public void upload(String local, String remote, boolean dontOverwrite) {
        upload(select(local), remote, dontOverwrite);
    }

    /** The files {@code local} (a file, folder or glob relative to the local base) stands for. */
    FileSelection.Selection select(String local) {
        try {
            return FileSelection.select(localBase, local);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(e.getMessage());
        }
    }

    /** Uploads an already expanded selection; a single file goes to {@code remote} exactly when given. */
    public void upload(FileSelection.Selection sel, String remote, boolean dontOverwrite) {
        String base;
        List<FileCopy> files = sel.files();
        if (sel.single() && remote != null && !remote.isEmpty() && !remote.endsWith("/")) {
            String target = remotePath(remote);
            int slash = target.lastIndexOf('/');
            base = target.substring(0, slash);
            FileCopy f = files.get(0);
            files = List.of(new FileCopy(f.local(), target.substring(slash + 1), f.size(), f.modifiedMillis()));
        } else {
            base = remotePath(remote);
        }
        java.util.Set<String> tops = new java.util.TreeSet<>();
        for (FileCopy f : files) tops.add(f.relative().contains("/") ? f.relative().substring(0, f.relative().indexOf('/')) : f.relative());
        try {
            uploadWhatDiffers(files, sel.emptyDirs(), tops, base, dontOverwrite);
        } catch (StaleListing e) {
            // What the machine held changed since its kept listing, and nothing was written: list it in full, once.
            uploadWhatDiffers(files, sel.emptyDirs(), tops, base, dontOverwrite);
        }
    }

    /** Lists what is under {@code base}'s tops on the machine and sends what is missing or changed there. */
    private void uploadWhatDiffers(List<FileCopy> files, List<String> emptyDirs, java.util.Set<String> tops, String base,
                                   boolean dontOverwrite) {
        long total = files.stream().mapToLong(FileCopy::size).sum();
        String phase = "upload " + name();
        // Only what is missing or changed travels; what is already there counts as done.
        UploadDelta delta = UploadDelta.of(files, transport().stamps(base, tops), dontOverwrite);
        List<FileCopy> send = delta.send();
        int kept = files.size() - send.size();
        long[] ends = new long[send.size()]; // where each file ends in the byte stream: files are sent in order
        for (int i = 0; i < ends.length; i++) ends[i] = (i == 0 ? 0 : ends[i - 1]) + send.get(i).size();
        long[] done = {0};
        int[] filesDone = {0};
        int count = files.size();
        events.on(new Event.Progress(phase, delta.skippedBytes(), total, "bytes", kept, count));
        if (send.isEmpty() && emptyDirs.isEmpty()) {
            transport().confirmListing(base);
            return;
        }
        transport().upload(send, emptyDirs, base, dontOverwrite, n -> {
            done[0] += n;
            while (filesDone[0] < ends.length && ends[filesDone[0]] <= done[0]) filesDone[0]++;
            events.on(new Event.Progress(phase, delta.skippedBytes() + done[0], total, "bytes", kept + filesDone[0], count));
        });
    }

    @Override
    public void download(String remote, Path local) {
        transport().download(remotePath(remote), localBase.resolve(local));
    }

    @Override
    public boolean exists(String remotePath) { return transport().exists(remotePath(remotePath)); }

    @Override
    public String read(String remotePath) {
        return new String(transport().read(remotePath(remotePath)), StandardCharsets.UTF_8);
    }

    @Override
    public void write(String remotePath, String contents) {
        transport().write(remotePath(remotePath), contents.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void stop() { provider.stop(instance.id()); }

    @Override
    public void kill() { provider.destroy(instance.id()); }

    private static String newId() {
        return LocalDateTime.now().format(ID_TIME) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    }

    @Override
    public String toString() { return name(); }
}
