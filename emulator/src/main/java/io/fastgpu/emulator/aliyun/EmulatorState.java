package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulated account's resources (for now: ECS instances, in creation order), kept in memory
 * and, when a state file is configured, rewritten to it after every change so that a restarted
 * emulator finds everything where it was. Not thread-safe: callers serialize access.
 */
final class EmulatorState {
  /** On-disk shape; {@code formatVersion} lets a later emulator migrate older files. */
  record Snapshot(int formatVersion, List<InstanceRecord> instances) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final Map<String, InstanceRecord> instances = new LinkedHashMap<>();

  private EmulatorState(Path file) {
    this.file = file;
  }

  /** Loads the state file if it exists; a null file means memory only. */
  static EmulatorState load(Path file) {
    EmulatorState state = new EmulatorState(file);
    if (file != null && Files.exists(file)) {
      try {
        Snapshot snapshot = JSON.readValue(file.toFile(), Snapshot.class);
        if (snapshot.instances() != null) {
          snapshot.instances().forEach(i -> state.instances.put(i.instanceId(), i));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read emulator state " + file, e);
      }
    }
    return state;
  }

  InstanceRecord instance(String id) {
    return instances.get(id);
  }

  Collection<InstanceRecord> instances() {
    return instances.values();
  }

  void put(InstanceRecord instance) {
    instances.put(instance.instanceId(), instance);
  }

  void remove(String id) {
    instances.remove(id);
  }

  /**
   * Writes the state file: to a sibling temporary file first, then renamed over the old one, so a
   * crash mid-write leaves either the old or the new state, never a torn file.
   */
  void save() {
    if (file == null) {
      return;
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        JSON.writeValue(tmp.toFile(), new Snapshot(1, new ArrayList<>(instances.values())));
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write emulator state " + file, e);
    }
  }
}
