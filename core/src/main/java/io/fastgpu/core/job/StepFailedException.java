package io.fastgpu.core.job;

import io.fastgpu.api.FastGpuException;

/** A launch step exited non-zero; names the step, the task and the exit code, and keeps the output's tail. */
public class StepFailedException extends FastGpuException {
    private final String step;
    private final int exitCode;
    private final String outputTail;

    public StepFailedException(String step, String task, int exitCode, String outputTail) {
        super("step '" + step + "' failed on " + task + " with exit code " + exitCode);
        this.step = step;
        this.exitCode = exitCode;
        this.outputTail = outputTail;
    }

    public String step() { return step; }
    public int exitCode() { return exitCode; }
    public String outputTail() { return outputTail; }
}
