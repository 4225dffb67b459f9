package io.fastgpu.api;

/** Base of every error FastGPU reports; its message is one line saying what happened and what to do. */
public class FastGpuException extends RuntimeException {
    public FastGpuException(String message) { super(message); }
    public FastGpuException(String message, Throwable cause) { super(message, cause); }
}
