package io.fastgpu.cli.agent;

import io.fastgpu.cli.Main;
import io.fastgpu.core.launch.CommandInterrupts;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client's command in the agent: the handshake, then the command run on a thread of its own with the
 * client's arguments, folder, environment and terminal, its output sent as it comes, its input asked for
 * when it reads, and the client's Ctrl-C handed to it as its own interrupt.
 */
final class CommandSession implements CommandInterrupts {
    private static final byte[] EOF = new byte[0];

    private final SocketChannel channel;
    private final AgentServer agent;
    private final Frames.Writer writer;
    private final LinkedBlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
    private final AtomicBoolean exited = new AtomicBoolean();
    private volatile Consumer<String> interruptHandler;
    private volatile Thread command;

    CommandSession(SocketChannel channel, AgentServer agent) {
        this.channel = channel;
        this.agent = agent;
        this.writer = new Frames.Writer(channel);
    }

    void serve() throws IOException {
        DataInputStream in = Frames.input(channel);
        Frames.Frame hello = Frames.read(in);
        if (hello == null || hello.type() != Frames.HELLO) return;
        Hello h = Hello.fromBody(hello.body());
        Hello mine = Hello.ofThisProcess(System.getenv());
        if (!h.build().equals(mine.build())) {
            writer.write(Frames.REFUSED, Hello.OTHER_BUILD);
            agent.otherBuild(h.build());
            return;
        }
        if (!h.userHome().equals(mine.userHome()) || !h.path().equals(mine.path())) {
            writer.write(Frames.REFUSED, Hello.OTHER_ENVIRONMENT);
            return;
        }
        writer.write(Frames.OK, String.valueOf(ProcessHandle.current().pid()));
        Frames.Frame req = Frames.read(in);
        if (req == null || req.type() != Frames.REQUEST) return;
        CommandRequest r = CommandRequest.fromBody(req.body());
        Thread t = new Thread(() -> runCommand(r), "fastgpu-agent-command");
        t.setDaemon(true);
        command = t;
        t.start();
        for (Frames.Frame f; (f = Frames.read(in)) != null; ) {
            switch (f.type()) {
                case Frames.STDIN -> stdin.add(f.body());
                case Frames.STDIN_EOF -> stdin.add(EOF);
                case Frames.SIGNAL -> interrupt(f.text());
                default -> { }
            }
            if (exited.get()) break;
        }
        if (!exited.get()) {
            // The client is gone (killed, or its terminal closed): the command is interrupted as its process would be.
            agent.note("the client of " + name(r) + " went away: interrupting it");
            stdin.add(EOF);
            interrupt("HUP");
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String name(CommandRequest r) { return r.args().isEmpty() ? "fastgpu" : "fastgpu " + r.args().get(0); }

    private void runCommand(CommandRequest r) {
        long start = System.nanoTime();
        CommandInterrupts.setCurrent(this);
        int code;
        try {
            code = Main.run(r.args().toArray(String[]::new), agent.fastgpuHome(), Path.of(r.workDir()), new StdinStream(),
                    Frames.frameStream(writer, Frames.OUT), Frames.frameStream(writer, Frames.ERR), r.terminal(), r.env());
        } catch (RuntimeException | Error e) {
            agent.note(name(r) + " failed in the agent: " + e);
            code = 1;
        } finally {
            CommandInterrupts.setCurrent(null);
        }
        agent.commandEnded(name(r), code, (System.nanoTime() - start) / 1_000_000);
        exitNow(code);
    }

    /** The client's Ctrl-C (or its going away): to the command's handler, or, without one, the end of the command. */
    private void interrupt(String signal) {
        Consumer<String> h = interruptHandler;
        if (h != null) {
            h.accept(signal);
            return;
        }
        // A command without a handler of its own ends as a process does on the signal: at once, 128 + its number.
        exitNow(signal.equals("INT") ? 130 : signal.equals("TERM") ? 143 : 129);
        Thread t = command;
        if (t != null) t.interrupt();
    }

    @Override
    public AutoCloseable onInterrupt(Consumer<String> handler) {
        interruptHandler = handler;
        return () -> interruptHandler = null;
    }

    @Override
    public void exitNow(int exitCode) {
        if (!exited.compareAndSet(false, true)) return;
        try {
            writer.write(Frames.EXIT, exitCode);
            channel.shutdownOutput();
        } catch (IOException e) {
            // the client is gone
        }
    }

    /** The command's stdin: asked of the client when the command reads, as much as one read of the client's stdin gives. */
    private final class StdinStream extends io.fastgpu.core.util.ChunkedInput {
        @Override
        protected byte[] next(int wanted) throws IOException, InterruptedException {
            writer.write(Frames.WANT_STDIN, wanted);
            return stdin.take();
        }
    }
}
