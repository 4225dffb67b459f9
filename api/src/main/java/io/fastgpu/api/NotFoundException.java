package io.fastgpu.api;

/** A named instance, run or file does not exist. */
public class NotFoundException extends FastGpuException {
    public NotFoundException(String message) { super(message); }
}
