package io.fastgpu.api;

import java.time.Duration;

/** A command, or a wait, ran past its time limit; the command was killed. */
public class CommandTimeoutException extends FastGpuException {
    public CommandTimeoutException(String task, String what, Duration timeout) {
        super(task + ": " + what + " timed out after " + timeout.toSeconds() + "s and was stopped");
    }
}
