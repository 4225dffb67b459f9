package io.fastgpu.core.managed;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * One managed run's folder in the FastGPU home ({@code managed/<run name>/}): what it was asked to do
 * ({@code spec.json}), where it stands ({@code state.json}, written whole and atomically), its output
 * ({@code run.log}, what {@code fastgpu logs RUN -f} follows), its controller's own log ({@code controller.log}),
 * the controller lock, the cancel request and the controller's copy of the checkpoint ({@code checkpoint/}).
 */
public final class ManagedRun {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;

    ManagedRun(Path dir) { this.dir = dir; }

    public String name() { return dir.getFileName().toString(); }

    public Path dir() { return dir; }

    public Path runLog() { return dir.resolve("run.log"); }

    public Path controllerLog() { return dir.resolve("controller.log"); }

    /** The controller's copy of task0's checkpoint folder. */
    public Path checkpointCopy() { return dir.resolve("checkpoint"); }

    Path stateFile() { return dir.resolve("state.json"); }

    Path specFile() { return dir.resolve("spec.json"); }

    Path lockFile() { return dir.resolve("controller.lock"); }

    Path cancelFile() { return dir.resolve("cancel"); }

    /** What it was asked to do; fails with one line when the file is gone or unreadable. */
    public ManagedSpec spec() {
        try {
            return JSON.readValue(specFile().toFile(), ManagedSpec.class);
        } catch (IOException e) {
            throw new FastGpuException("managed run " + name() + ": its spec " + specFile() + " cannot be read ("
                    + e.getMessage() + "); the run cannot be carried on: 'fastgpu ls' shows its machines");
        }
    }

    /** Where it stands, or empty when the state file is missing or unreadable. */
    public Optional<ManagedState> state() {
        try {
            return Optional.of(JSON.readValue(stateFile().toFile(), ManagedState.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the state whole (a reader never sees half of it). */
    public synchronized void save(ManagedState state) {
        write(stateFile(), state);
    }

    void saveSpec(ManagedSpec spec) { write(specFile(), spec); }

    private void write(Path file, Object value) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            JSON.writeValue(tmp.toFile(), value);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new FastGpuException("managed run " + name() + ": cannot write " + file + " (" + e.getMessage()
                    + "); check the FastGPU home's disk");
        }
    }

    /** Takes the controller lock, or empty when a controller (or a cancel) holds it. */
    public Optional<ControllerLock> tryLock() { return ControllerLock.tryTake(lockFile()); }

    /** Whether a controller holds the lock now. */
    public boolean controllerAlive() {
        Optional<ControllerLock> l = tryLock();
        l.ifPresent(ControllerLock::close);
        return l.isEmpty();
    }

    /** The pid of the controller that took the lock last. */
    public long controllerPid() { return ControllerLock.holder(lockFile()); }

    /** Asks the controller to end the run; idempotent. */
    public void requestCancel() {
        try {
            Files.createDirectories(dir);
            Files.writeString(cancelFile(), "cancel\n");
        } catch (IOException e) {
            throw new FastGpuException("managed run " + name() + ": cannot write " + cancelFile() + " (" + e.getMessage() + ")");
        }
    }

    public boolean cancelRequested() { return Files.exists(cancelFile()); }
}
