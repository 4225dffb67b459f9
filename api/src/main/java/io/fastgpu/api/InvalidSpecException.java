package io.fastgpu.api;

/** A job file, option or argument is wrong; the message names where ({@code file:line:column}) and what to do. */
public class InvalidSpecException extends FastGpuException {
    public InvalidSpecException(String message) { super(message); }
}
