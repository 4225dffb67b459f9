package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec or shell request on a machine: a host process started in a session of its own, its
 * stdin, stdout and stderr copied as they come by three dedicated threads (never MINA's), its exit
 * status reported once it has exited and its output has ended. When the client closes the channel
 * before that, or sends a signal (any: it is not delivered, the command is SIGKILLed), every process
 * still in the command's session is killed;
 * processes that left it (setsid, nohup with setsid, tmux servers) live on until the machine halts.
 */
final class MachineCommand implements Command {
    private static final int CHUNK = 64 * 1024;
    private static final Duration KILL_BOUND = Duration.ofSeconds(3);

    private final Machine machine;
    private final List<String> argv;
    private final boolean pty;
    private final AtomicBoolean finished = new AtomicBoolean();
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    private MachineCommand(Machine machine, List<String> argv, boolean pty) {
        this.machine = machine;
        this.argv = List.copyOf(argv);
        this.pty = pty;
    }

    /** {@code bash -c command}, as sshd runs an exec request. */
    static MachineCommand exec(Machine machine, String command) {
        return new MachineCommand(machine, List.of(machine.tools().bash().toString(), "-c", command), false);
    }

    /**
     * A login shell: with a pty (when the client asked for one and {@code script} is there) an
     * interactive bash, otherwise a bash reading commands from stdin, as sshd runs one without a tty.
     */
    static MachineCommand shell(Machine machine, ChannelSession channel) {
        HostTools tools = machine.tools();
        Map<String, String> env = channel.getEnvironment().getEnv();
        boolean pty = env.containsKey(Environment.ENV_TERM) && tools.script() != null;
        if (!pty) {
            return new MachineCommand(machine, List.of(tools.bash().toString()), false);
        }
        String size = "stty rows " + number(env.get(Environment.ENV_LINES), 24) + " cols "
                + number(env.get(Environment.ENV_COLUMNS), 80) + " 2>/dev/null; exec " + tools.bash() + " -i";
        return new MachineCommand(machine,
                List.of(tools.script().toString(), "-q", "-f", "-e", "-c", size, "/dev/null"), true);
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        List<String> command = new ArrayList<>();
        if (machine.tools().setsid() != null) {
            command.add(machine.tools().setsid().toString());
        }
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command).directory(machine.disk().home().toFile());
        builder.environment().clear();
        builder.environment().putAll(MachineEnvironment.of(machine.disk(), machine.tools(), env.getEnv(), pty,
                sshClient(channel), sshConnection(channel)));
        String metadata = machine.metadataUrl();
        if (metadata != null) {
            builder.environment().put(MachineEnvironment.METADATA, metadata);
        }
        Process p = builder.start();
        process = p;
        env.addSignalListener((c, signal) -> {
            if (signal != Signal.WINCH) { // a terminal resize is no reason to die
                killSoon();
            }
        });
        CompletableFuture<Void> stdout = CompletableFuture.runAsync(() -> copyOut(p.getInputStream(), out), machine.io());
        CompletableFuture<Void> stderr = CompletableFuture.runAsync(() -> copyOut(p.getErrorStream(), err), machine.io());
        machine.io().execute(() -> copyIn(in, p.getOutputStream()));
        CompletableFuture.allOf(stdout, stderr, p.onExit()).whenComplete((v, e) -> finish(p));
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (finished.compareAndSet(false, true) && process != null) {
            killSoon();
        }
    }

    /** Kills off MINA's thread (killing waits until the processes are gone). */
    private void killSoon() {
        try {
            machine.io().execute(this::kill);
        } catch (RejectedExecutionException e) {
            kill(); // the machines are closing
        }
    }

    private void finish(Process p) {
        if (finished.compareAndSet(false, true)) {
            flush(out);
            flush(err);
            exit.onExit(p.exitValue());
        }
    }

    /** Kills what is left of the command: its session, or without setsid its descendants. */
    private void kill() {
        Process p = process;
        long pid = p.pid();
        String id = machine.disk().instanceId();
        if (ProcessTable.session(pid) == pid) {
            ProcessTable.killUntilNone(() -> ProcessTable.inSession(pid, MachineEnvironment.MARKER, id), KILL_BOUND);
        } else {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        p.destroyForcibly();
    }

    /** Process output to the channel; once the channel is gone the rest is read and dropped. */
    private static void copyOut(InputStream from, OutputStream to) {
        byte[] buf = new byte[CHUNK];
        boolean open = true;
        try (from) {
            for (int n; (n = from.read(buf)) >= 0; ) {
                if (open && n > 0) {
                    try {
                        to.write(buf, 0, n);
                        to.flush();
                    } catch (IOException e) {
                        open = false;
                    }
                }
            }
        } catch (IOException e) {
            // the process's pipe was closed: nothing more to copy
        }
    }

    /** The channel to the process; once the process stops reading the rest is read and dropped. */
    private static void copyIn(InputStream from, OutputStream to) {
        byte[] buf = new byte[CHUNK];
        boolean open = true;
        try {
            for (int n; (n = from.read(buf)) >= 0; ) {
                if (open && n > 0) {
                    try {
                        to.write(buf, 0, n);
                        to.flush();
                    } catch (IOException e) {
                        open = false;
                    }
                }
            }
        } catch (IOException e) {
            // the channel closed
        } finally {
            try {
                to.close();
            } catch (IOException e) {
                // the process is gone
            }
        }
    }

    private static void flush(OutputStream s) {
        try {
            s.flush();
        } catch (IOException e) {
            // the channel is gone
        }
    }

    private static String sshClient(ChannelSession channel) {
        InetSocketAddress client = inet(channel.getSession().getClientAddress());
        InetSocketAddress server = inet(channel.getSession().getLocalAddress());
        return host(client) + " " + port(client) + " " + port(server);
    }

    private static String sshConnection(ChannelSession channel) {
        InetSocketAddress client = inet(channel.getSession().getClientAddress());
        InetSocketAddress server = inet(channel.getSession().getLocalAddress());
        return host(client) + " " + port(client) + " " + host(server) + " " + port(server);
    }

    private static InetSocketAddress inet(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : null;
    }

    private static String host(InetSocketAddress a) {
        return a == null ? "0.0.0.0" : a.getAddress().getHostAddress();
    }

    private static int port(InetSocketAddress a) {
        return a == null ? 0 : a.getPort();
    }

    private static int number(String s, int otherwise) {
        try {
            int n = Integer.parseInt(s);
            return n > 0 ? n : otherwise;
        } catch (NumberFormatException | NullPointerException e) {
            return otherwise;
        }
    }
}
