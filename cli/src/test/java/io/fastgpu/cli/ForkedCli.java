package io.fastgpu.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code fastgpu ARGS} as a child process (a JVM of its own, on this test's class path), so that it can be killed
 * like a user's terminal kills it: its output (stdout and stderr together) is read as it comes, lines can be
 * awaited, and {@link #kill()} sends SIGKILL, leaving no shutdown hook a chance to run.
 */
final class ForkedCli implements AutoCloseable {
    private final Process process;
    private final long startedNanos = System.nanoTime();
    /** Every line so far, in order; guarded by itself, notified on each new line and at the end. */
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private ForkedCli(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "forked-fastgpu-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code fastgpu ARGS} in {@code workDir} with exactly the environment {@code env}. */
    static ForkedCli start(Path workDir, Map<String, String> env, String... args) {
        List<String> cmd = command();
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        // The command's own process, as these tests expect (pids, signals), unless the test asks for the agent.
        pb.environment().put("FASTGPU_AGENT", "off");
        pb.environment().putAll(env);
        try {
            return new ForkedCli(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code command} (a program that is the CLI, such as the ./fastgpu script) with exactly the environment {@code env}. */
    static ForkedCli startProgram(List<String> command, Path workDir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            return new ForkedCli(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java ... Main} as the program starts: a command line program, started fast and kept small. */
    static List<String> command() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss1m", "-Xmx384m",
                "-cp", classPath(), Main.class.getName()));
    }

    /** The class path of this test JVM, which has the program and all it needs. */
    static String classPath() {
        String cp = System.getProperty("java.class.path");
        if (cp == null || cp.isBlank() || cp.contains("surefirebooter")) {
            throw new IllegalStateException("the test class path is not known (java.class.path = " + cp + ")");
        }
        return cp;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    long pid() { return process.pid(); }

    /** Milliseconds since the process was started. */
    long ageMillis() { return (System.nanoTime() - startedNanos) / 1_000_000; }

    /**
     * Waits until a line containing {@code text} has been printed; false if the output ended (the process exited)
     * or {@code timeout} passed first.
     */
    boolean awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).contains(text)) return true;
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Waits up to {@code millis} for the process to exit by itself; whether it did. */
    boolean awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** The exit code of a process that has ended. */
    int exitCode() { return process.exitValue(); }

    /** Sends {@code signal} ({@code INT}, {@code TERM}) as a terminal's Ctrl-C or a system shutdown would. */
    void signal(String signal) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL, then waits until the process is gone and its output is read to the end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("pid " + pid() + " survived SIGKILL for 30 s");
        awaitOutputEnd();
    }

    /** Waits (up to 10 s) until the output has been read to its end, after the process ended. */
    void awaitOutputEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (lines) {
            while (!ended && System.nanoTime() < deadline) lines.wait(100);
        }
    }

    /** The last line that announced a phase ({@code == name}), or "(none)". */
    String lastPhase() {
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                if (l.startsWith("== ") && !l.contains(" done in ") && !l.contains(" failed after ")) return l.substring(3);
            }
        }
        return "(none)";
    }

    /** The last {@code n} lines of output. */
    String tail(int n) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    /** Everything printed so far. */
    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
