package io.fastgpu.api;

/** A blocking command exited non-zero. Carries the exit code and the tail of its output. */
public class CommandFailedException extends FastGpuException {
    private final String task;
    private final int exitCode;
    private final String outputTail;

    public CommandFailedException(String task, String command, int exitCode, String outputTail) {
        super(task + ": command failed with exit code " + exitCode + ": " + abbreviate(command));
        this.task = task;
        this.exitCode = exitCode;
        this.outputTail = outputTail;
    }

    public String task() { return task; }
    public int exitCode() { return exitCode; }
    public String outputTail() { return outputTail; }

    static String abbreviate(String command) {
        String first = command.strip().lines().findFirst().orElse("");
        boolean more = command.strip().lines().count() > 1 || first.length() > 80;
        return (first.length() > 80 ? first.substring(0, 80) : first) + (more ? " ..." : "");
    }
}
