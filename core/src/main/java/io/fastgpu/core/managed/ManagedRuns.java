package io.fastgpu.core.managed;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The managed runs of a FastGPU home ({@code managed/}), one folder per run name. */
public final class ManagedRuns {
    private final Path root;

    public ManagedRuns(Path home) { this.root = home.resolve("managed"); }

    /**
     * Records a new managed run, replacing a finished one of the same name; refused with one line while one of that
     * name is unfinished.
     */
    public ManagedRun create(String runName, ManagedSpec spec, ManagedState state) {
        ManagedRun run = new ManagedRun(root.resolve(runName));
        Optional<ManagedState> old = run.state();
        if (old.isPresent() && !old.get().isFinal()) {
            throw new InvalidSpecException("run " + runName + " is already managed (" + old.get().status() + "): 'fastgpu logs "
                    + runName + " -f' follows it, 'fastgpu cancel " + runName + "' ends it");
        }
        if (Files.exists(run.dir())) deleteTree(run.dir());
        run.saveSpec(spec);
        run.save(state);
        return run;
    }

    public Optional<ManagedRun> find(String runName) {
        if (runName.isBlank() || runName.contains("/") || runName.startsWith(".")) return Optional.empty();
        ManagedRun run = new ManagedRun(root.resolve(runName));
        return Files.isRegularFile(run.specFile()) || Files.isRegularFile(run.stateFile()) ? Optional.of(run) : Optional.empty();
    }

    /** Every managed run, oldest first. */
    public List<ManagedRun> list() {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> dirs = Files.list(root)) {
            List<ManagedRun> runs = new ArrayList<>();
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                ManagedRun r = new ManagedRun(d);
                if (Files.isRegularFile(r.specFile()) || Files.isRegularFile(r.stateFile())) runs.add(r);
            }
            runs.sort(Comparator.comparingLong(r -> r.state().map(ManagedState::startedAtMs).orElse(0L)));
            return runs;
        } catch (IOException e) {
            throw new FastGpuException("cannot list the managed runs in " + root + ": " + e.getMessage());
        }
    }

    /** Unfinished runs whose controller is gone (killed): those a command that notices starts a controller for. */
    public List<ManagedRun> orphaned() {
        return list().stream().filter(r -> r.state().map(s -> !s.isFinal()).orElse(Files.isRegularFile(r.specFile())))
                .filter(r -> !r.controllerAlive()).toList();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new FastGpuException("cannot remove the finished managed run " + dir + ": " + e.getMessage());
        }
    }
}
