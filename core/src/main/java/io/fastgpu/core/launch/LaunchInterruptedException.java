package io.fastgpu.core.launch;

import io.fastgpu.api.FastGpuException;

/** A launch cut short by Ctrl-C or SIGTERM; its message says what became of the machines. */
public final class LaunchInterruptedException extends FastGpuException {
    LaunchInterruptedException(String message) { super(message); }
}
