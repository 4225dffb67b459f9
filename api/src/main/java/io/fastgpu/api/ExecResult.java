package io.fastgpu.api;

/** What a finished command produced: its exit code and its whole standard output and error. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean ok() { return exitCode == 0; }
}
