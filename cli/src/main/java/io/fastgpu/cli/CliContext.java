package io.fastgpu.cli;

import io.fastgpu.core.runtime.FastGpu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What every command is handed: where FastGPU keeps its state, the console, and the runtime, made on
 * first use so that {@code --help} and usage errors cost nothing.
 */
public final class CliContext implements AutoCloseable {
    private final Path home;
    private final Path workDir;
    private final java.io.InputStream stdin;
    private BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private ConsoleRenderer renderer;
    private FastGpu fastGpu;
    private final java.util.Map<String, String> env;

    public CliContext(Path home, Path workDir, java.io.InputStream stdin, PrintWriter out, PrintWriter err, boolean terminal,
                      java.util.Map<String, String> env) {
        this.env = java.util.Map.copyOf(env);
        this.home = home;
        this.workDir = workDir;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public Path home() { return home; }
    public Path workDir() { return workDir; }
    public PrintWriter out() { return out; }
    public PrintWriter err() { return err; }
    public boolean terminal() { return terminal; }

    /**
     * The command's standard input as bytes, for a command that passes it on ({@code exec -i}); a command reads it
     * this way or through {@link #confirm}'s lines, not both.
     */
    public java.io.InputStream stdin() { return stdin; }

    private synchronized BufferedReader lines() {
        if (in == null) in = new BufferedReader(new java.io.InputStreamReader(stdin, java.nio.charset.StandardCharsets.UTF_8));
        return in;
    }
    /** The environment the command runs in (credentials and endpoints are read from it). */
    public java.util.Map<String, String> env() { return env; }

    /** Colours and progress bars only on a terminal, and never when NO_COLOR is set. */
    public Style style() { return new Style(terminal && !env.containsKey("NO_COLOR")); }

    public synchronized ConsoleRenderer renderer() {
        if (renderer == null) renderer = new ConsoleRenderer(out, err, style(), terminal);
        return renderer;
    }

    public synchronized FastGpu fastGpu() {
        if (fastGpu == null) {
            fastGpu = FastGpu.builder().home(home).localBase(workDir).settings(env).events(renderer()).build();
        }
        return fastGpu;
    }

    /**
     * Asks a yes/no question on the console. An empty answer takes {@code defaultYes}; end of input is no.
     */
    public boolean confirm(String question, boolean defaultYes) {
        err.print(question + " ");
        err.flush();
        try {
            String line = lines().readLine();
            if (line == null) {
                err.println();
                return false;
            }
            String a = line.strip().toLowerCase(java.util.Locale.ROOT);
            return a.isEmpty() ? defaultYes : a.equals("y") || a.equals("yes");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (renderer != null) renderer.finish();
        if (fastGpu != null) fastGpu.close();
        out.flush();
        err.flush();
    }
}
