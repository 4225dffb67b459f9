package io.fastgpu.core.job;

import io.fastgpu.api.Resources;
import io.fastgpu.core.files.UploadSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated job file: what {@code fastgpu launch} runs.
 *
 * @param file      the job file
 * @param name      job name
 * @param runName   run name (defaults to the job name)
 * @param machines  number of tasks
 * @param backend   provider name
 * @param resources machine resources
 * @param upload    what to upload: paths (files, folders, globs) inside the job file's folder, or explicit
 *                  {@code {from:, to:}} entries
 * @param setup     script run once per new machine
 * @param env       environment of every step
 * @param steps     the named steps, in order
 * @param download  paths on task0 to bring back (see {@link Downloads} for where they land)
 * @param after     what to do with the machines at the end
 * @param backendOptions what only the backend understands ({@code fleet: NAME} for {@code ssh})
 * @param uploadViaTask0 upload once to task0, which passes it on to the others over the cluster network
 * @param managed   the run is handed to a controller that outlives the CLI ({@code managed: true})
 * @param recovery  what a managed run does when it loses a machine ({@link Recovery#NONE} when not said)
 * @param costGuard autostop, spending cap and longest duration
 * @param metrics   metrics read from the steps' output by regex
 * @param register  the model version registered after a successful run; null for none
 * @param data      input data: source (e.g. {@code cos://bucket/path/}) to the folder it appears in on each task
 */
public record JobFile(Path file, String name, String runName, int machines, String backend, Resources resources,
                      List<UploadSpec> upload, String setup, Map<String, String> env, List<Step> steps,
                      List<String> download, After after, Map<String, String> backendOptions, boolean uploadViaTask0,
                      boolean managed, Recovery recovery, CostGuard costGuard, List<MetricRule> metrics,
                      RegisterSpec register, Map<String, String> data) {
    public JobFile {
        metrics = List.copyOf(metrics);
        data = Map.copyOf(data);
        upload = List.copyOf(upload);
        env = Map.copyOf(env);
        steps = List.copyOf(steps);
        download = List.copyOf(download);
        backendOptions = Map.copyOf(backendOptions);
    }

    /** This job with the command line's choices instead of the file's (null: keep the file's). */
    public JobFile overridden(String newBackend, String fleet, Integer newMachines) {
        Map<String, String> options = new java.util.LinkedHashMap<>(backendOptions);
        if (fleet != null) options.put("fleet", fleet);
        int m = newMachines == null ? machines : newMachines;
        if (m < 1 || m > 256) throw new io.fastgpu.api.InvalidSpecException("--machines must be 1..256, was " + m);
        for (Step s : steps) {
            if (!s.onAll() && s.taskIndex() >= m) {
                throw new io.fastgpu.api.InvalidSpecException(file + ": step '" + s.name() + "' runs on " + s.on()
                        + " but --machines is " + m);
            }
        }
        return new JobFile(file, name, runName, m, newBackend == null ? backend : newBackend, resources, upload, setup,
                env, steps, download, after, options, uploadViaTask0, managed, recovery, costGuard, metrics, register, data);
    }

    /** This job as a managed run ({@code launch --managed}) or not. */
    public JobFile withManaged(boolean newManaged) {
        return new JobFile(file, name, runName, machines, backend, resources, upload, setup, env, steps, download, after,
                backendOptions, uploadViaTask0, newManaged, recovery, costGuard, metrics, register, data);
    }

    /** This job with one more backend option ({@code cluster} for {@code slurm}), as a command line gives it. */
    public JobFile withBackendOption(String key, String value) {
        Map<String, String> options = new java.util.LinkedHashMap<>(backendOptions);
        options.put(key, value);
        return new JobFile(file, name, runName, machines, backend, resources, upload, setup, env, steps, download, after,
                options, uploadViaTask0, managed, recovery, costGuard, metrics, register, data);
    }

    /** The folder relative paths of the job file resolve against. */
    public Path folder() { return file.toAbsolutePath().getParent(); }

    /**
     * One named step. {@code on} is {@code task0} (the default), {@code taskN}, or {@code all}. With a
     * {@code launcher}, {@code run} is started as a distributed program ({@code nprocPerNode} processes per
     * node, 0 for one per GPU) and the launcher decides where it runs.
     */
    public record Step(String name, String run, String on, DistributedLaunch.Kind launcher, int nprocPerNode) {
        public boolean onAll() { return launcher != null ? launcher.onEveryNode() : on.equals("all"); }

        /** The command as it runs on a task. */
        public String command() { return launcher == null ? run : DistributedLaunch.render(launcher, run, nprocPerNode); }

        public int taskIndex() { return onAll() || launcher != null ? 0 : Integer.parseInt(on.substring(4)); }
    }

    /** What happens to the machines once the job ends, successfully or not. */
    public enum After {
        STOP, KILL, KEEP;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
