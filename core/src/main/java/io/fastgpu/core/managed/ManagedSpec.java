package io.fastgpu.core.managed;

/**
 * What a managed run was asked to do, as the command line gave it: enough for a controller, started now or
 * again after a crash, to plan the same launch.
 *
 * @param jobFile  the job file, absolute
 * @param workDir  the folder the command was given in (relative local paths resolve against it)
 * @param backend  {@code --backend}, or null for the job file's
 * @param fleet    {@code --fleet}, or null
 * @param machines {@code --machines}, or null
 * @param keep     {@code --keep}
 * @param outRoot  where downloads go, absolute
 */
public record ManagedSpec(String jobFile, String workDir, String backend, String fleet, Integer machines, boolean keep,
                          String outRoot) {
}
