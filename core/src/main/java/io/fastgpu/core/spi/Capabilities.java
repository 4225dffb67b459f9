package io.fastgpu.core.spi;

/**
 * What a provider can do, declared instead of signalled by "not supported" errors.
 *
 * @param ownsMachines  it creates and destroys machines; when false, {@code kill} only releases them
 * @param costsMoney    creating or starting a machine is charged, so the user is asked first
 * @param sharedRunRoot every task sees the same run root (shared storage), so a job has one log folder
 */
public record Capabilities(boolean ownsMachines, boolean costsMoney, boolean sharedRunRoot) { }
