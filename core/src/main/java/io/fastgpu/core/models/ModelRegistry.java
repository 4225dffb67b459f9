package io.fastgpu.core.models;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.config.UserConfig;
import io.fastgpu.core.job.DownloadLayout;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.TaskNames;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.state.MetricPoint;
import io.fastgpu.core.state.ModelRecord;
import io.fastgpu.core.state.RunRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The model registry: a run's output becomes a version of a named model ({@code gesture:v1}, {@code gesture:v2}, ...)
 * with its run, the job file's hash, the code's git commit, the run's final metrics, size and sha256. The versions
 * are rows of the state store; the files live once per content in a {@link ModelStore} (the FastGPU home's
 * {@code models} folder, or {@code models: {store: PATH}} in {@code config.yaml}). Every failure is one line.
 */
public final class ModelRegistry {
    private final FastGpu fg;
    private final ModelStore store;

    public ModelRegistry(FastGpu fg, ModelStore store) {
        this.fg = fg;
        this.store = store;
    }

    /** The registry of {@code fg}'s home, its files where {@code config.yaml} says (default: {@code <home>/models}). */
    public static ModelRegistry open(FastGpu fg) {
        Path root = UserConfig.read(fg.home()).modelsStore().orElse(fg.home().resolve("models"));
        return new ModelRegistry(fg, new ModelStore(root));
    }

    public ModelStore store() { return store; }

    /**
     * What to register.
     *
     * @param model        the model, and the version to give it (0: the next one)
     * @param run          the run's name, log folder name or id
     * @param path         the output's path as the job wrote it on task0 (relative to the task's home, as {@code download:}),
     *                     or null for the only file the run downloaded
     * @param framework    e.g. pytorch; may be empty
     * @param description  free text; may be empty
     * @param downloadRoot the folder the run's download folder is in ({@code ./fastgpu-out}), looked in first
     */
    public record Request(ModelRef model, String run, String path, String framework, String description, Path downloadRoot) {
        public Request {
            framework = framework == null ? "" : framework.strip();
            description = description == null ? "" : description.strip();
        }
    }

    /**
     * Registers the output of a finished, successful run. Fails with one line when the run is unknown, did not
     * succeed, the path exists neither in its download folder nor on its task0, or the version exists.
     */
    public ModelRecord register(Request r) {
        RunRecord run = findRun(r.run());
        if (!RunRecord.SUCCEEDED.equals(run.status())) {
            throw new InvalidSpecException("run " + run.id() + " (" + run.runName() + ") " + (RunRecord.RUNNING.equals(run.status())
                    ? "is still running" : run.status() + (run.exitCode() == null ? "" : " with exit code " + run.exitCode()))
                    + "; only the output of a run that succeeded can be registered");
        }
        return registerFromRun(r, run);
    }

    /**
     * Registers {@code r}'s output of {@code run} whatever its recorded status: for a launch, whose run is recorded as
     * finished only after its last step (this one).
     */
    public ModelRecord registerFromRun(Request r, RunRecord run) {
        return registerFromRun(r, run, r.downloadRoot().resolve(logdirName(run)));
    }

    /**
     * {@link #registerFromRun(Request, RunRecord)} for a launch that downloaded into {@code downloads} itself (a managed
     * training task's launch); a path not there comes from the task's output.
     */
    public ModelRecord registerFromRun(Request r, RunRecord run, Path downloads) {
        refuseExisting(r.model());
        String path = r.path() != null && !r.path().isBlank() ? r.path().strip() : onlyDownload(run, downloads);
        Path local = downloads.resolve(DownloadLayout.localPath(path));
        if (Files.isRegularFile(local)) {
            return add(r, run, local, local.toString());
        }
        if (Files.isDirectory(local)) throw folder(path, local.toString());
        return fromTask0(r, run, path, local);
    }

    /** Registers a file that is not a run's output. */
    public ModelRecord registerFile(ModelRef model, Path file, String framework, String description) {
        refuseExisting(model);
        if (!Files.isRegularFile(file)) {
            throw new InvalidSpecException(Files.isDirectory(file) ? folder(file.toString(), file.toString()).getMessage()
                    : "no file " + file + "; pass the path of the model file to register");
        }
        return add(new Request(model, "", file.toString(), framework, description, file), null, file, file.toAbsolutePath().toString());
    }

    /** Every version of every model, by name then version. */
    public List<ModelRecord> list() { return fg.state().models().all(); }

    /** The versions of {@code name}, oldest first; fails with one line when there are none. */
    public List<ModelRecord> versions(String name) {
        List<ModelRecord> v = fg.state().models().versions(name);
        if (v.isEmpty()) throw noModel(name);
        return v;
    }

    /** The version {@code ref} names (its newest when it names none). */
    public ModelRecord show(ModelRef ref) {
        if (ref.version() == 0) {
            List<ModelRecord> v = versions(ref.name());
            return v.get(v.size() - 1);
        }
        return fg.state().models().get(ref.name(), ref.version()).orElseThrow(() -> {
            List<ModelRecord> v = fg.state().models().versions(ref.name());
            if (v.isEmpty()) return noModel(ref.name());
            return new NotFoundException("model " + ref + " does not exist; " + ref.name() + " has "
                    + String.join(", ", v.stream().map(m -> "v" + m.version()).toList()));
        });
    }

    /**
     * Copies version {@code ref} into folder {@code outDir} under the file name it was registered with, checked
     * against its sha256; a copy that does not match is not left behind.
     *
     * @return the file written
     */
    public Path download(ModelRef ref, Path outDir) {
        ModelRecord m = show(ref);
        Path target = outDir.resolve(m.fileName());
        store.copyOut(m.sha256(), "model " + m.ref(), target);
        return target;
    }

    /** The versions {@code ref} names: one, or every version of the model when it names none. */
    public List<ModelRecord> resolve(ModelRef ref) {
        return ref.version() == 0 ? versions(ref.name()) : List.of(show(ref));
    }

    /**
     * Forgets the versions {@code ref} names (every version when it names none); a file goes from the store when no
     * version holds it any more.
     *
     * @return the versions deleted
     */
    public List<ModelRecord> delete(ModelRef ref) {
        List<ModelRecord> gone = resolve(ref);
        for (ModelRecord m : gone) {
            fg.state().models().delete(m.name(), m.version());
            if (fg.state().models().usesOf(m.sha256()) == 0) store.remove(m.sha256());
        }
        return gone;
    }

    private ModelRecord add(Request r, RunRecord run, Path file, String source) {
        ModelStore.Blob blob = store.put(file);
        Map<String, Double> metrics = new LinkedHashMap<>();
        RunSource origin = RunSource.UNKNOWN;
        if (run != null) {
            for (MetricPoint p : fg.state().metrics().latest(run.id())) metrics.put(p.name(), p.value());
            origin = RunSource.from(fg.state().events(run.id()));
        }
        ModelRecord m = new ModelRecord(r.model().name(), r.model().version(), run == null ? null : run.id(),
                run == null ? "" : run.runName(), origin.jobHash(), origin.gitCommit(), metrics, blob.size(), blob.sha256(),
                file.getFileName().toString(), r.framework(), r.description(), source, Instant.now());
        return fg.state().models().add(m).orElseThrow(() -> exists(r.model()));
    }

    private ModelRecord fromTask0(Request r, RunRecord run, String path, Path local) {
        String task0 = TaskNames.of(0, run.job());
        Provider provider = fg.provider(run.backend());
        var training = provider.capabilities().facet(io.fastgpu.core.launch.ManagedTraining.class);
        if (training.isPresent()) return fromTrainingTask(r, run, path, training.get());
        Optional<Instance> inst = provider.list().stream().filter(i -> i.name().equals(task0)).findFirst();
        String notHere = "'" + path + "' of run " + run.id() + " (" + run.runName() + ") is not in " + local.getParent();
        if (inst.isEmpty()) throw new NotFoundException(notHere + ", and " + task0 + " no longer exists; pass the path of a file the run downloaded");
        if (!inst.get().state().isRunning()) {
            throw new FastGpuException(notHere + ", and " + task0 + " is " + inst.get().state().label() + "; start it ('fastgpu start "
                    + task0 + "') or pass the path of a file the run downloaded");
        }
        var task = fg.task(provider, inst.get());
        if (!task.exists(path)) throw new NotFoundException(notHere + " nor on " + task0 + " (" + path + " relative to its home)");
        try {
            Files.createDirectories(store.root().resolve("tmp"));
            Path tmp = Files.createTempDirectory(store.root().resolve("tmp"), "task0-");
            try {
                Path copy = tmp.resolve(Path.of(DownloadLayout.localPath(path)).getFileName().toString());
                task.download(path, copy);
                if (Files.isDirectory(copy)) throw folder(path, task0 + ":" + path);
                return add(r, run, copy, task0 + ":" + path);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new FastGpuException("cannot copy " + task0 + ":" + path + " into the model store " + store.root() + ": " + e.getMessage(), e);
        }
    }

    /** A managed training run's output file, fetched from its task's output (its nodes have no shell to copy from). */
    private ModelRecord fromTrainingTask(Request r, RunRecord run, String path, io.fastgpu.core.launch.ManagedTraining training) {
        String task = io.fastgpu.core.metrics.TaskMetrics.taskOf(fg.state(), run.id()).orElseThrow(() -> new NotFoundException(
                "run " + run.id() + " (" + run.runName() + ") created no training task; nothing to register"));
        try {
            Files.createDirectories(store.root().resolve("tmp"));
            Path tmp = Files.createTempDirectory(store.root().resolve("tmp"), "task-");
            try {
                Path copy = tmp.resolve(Path.of(DownloadLayout.localPath(path)).getFileName().toString());
                training.fetchOutput(task, path, copy);
                return add(r, run, copy, "training task " + task + ":" + path);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new FastGpuException("cannot copy " + path + " of training task " + task + " into the model store " + store.root()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The run's only downloaded file (the path relative to its download folder), for a registration without a path. */
    private static String onlyDownload(RunRecord run, Path downloads) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(downloads)) {
            files = walk.filter(Files::isRegularFile).limit(2).toList();
        } catch (IOException e) {
            files = List.of();
        }
        if (files.size() != 1) {
            throw new InvalidSpecException("run " + run.id() + " (" + run.runName() + ") " + (files.isEmpty() ? "has no downloads in "
                    + downloads : "downloaded several files") + "; say which output to register with --path PATH (as on task0, e.g. GTC/save_model.pth)");
        }
        return downloads.relativize(files.get(0)).toString();
    }

    private RunRecord findRun(String run) {
        Optional<RunRecord> found = run.matches("\\d+") ? fg.state().run(Long.parseLong(run)) : fg.state().latestRun(run);
        return found.orElseThrow(() -> new NotFoundException("no run '" + run + "'; runs are named after their job (or run_name),"
                + " or given by id"));
    }

    private void refuseExisting(ModelRef ref) {
        if (ref.version() > 0 && fg.state().models().get(ref.name(), ref.version()).isPresent()) throw exists(ref);
    }

    private InvalidSpecException exists(ModelRef ref) {
        int next = fg.state().models().versions(ref.name()).stream().mapToInt(ModelRecord::version).max().orElse(0) + 1;
        return new InvalidSpecException("model " + ref + " exists already; versions are never overwritten: register it without"
                + " ':v" + ref.version() + "' to make " + ref.name() + ":v" + next);
    }

    private static NotFoundException noModel(String name) {
        return new NotFoundException("no model '" + name + "'; 'fastgpu models list' shows the registered ones");
    }

    private static InvalidSpecException folder(String path, String where) {
        return new InvalidSpecException("'" + path + "' (" + where + ") is a folder; register one file, e.g. an archive of it");
    }

    static String logdirName(RunRecord run) {
        String d = run.logdir() == null ? "" : run.logdir();
        return d.isEmpty() ? run.runName() : d.substring(d.lastIndexOf('/') + 1);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
