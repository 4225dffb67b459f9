package io.fastgpu.core.files;

/**
 * What tells whether a file on a machine is the same as a local one without reading it: its size and its
 * modification time in whole seconds (transfers keep the time).
 */
public record FileStamp(long size, long mtimeSeconds) { }
