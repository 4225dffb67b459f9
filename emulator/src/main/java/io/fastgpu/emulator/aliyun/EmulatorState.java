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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The emulated account's resources, each kind in creation order: ECS instances, VPCs, vSwitches,
 * security groups, key pairs, NAS file systems and mount targets, plus the counter behind loopback
 * addresses. Kept in memory and, when a state file is configured, rewritten to it after every
 * change so that a restarted emulator finds everything where it was. Not thread-safe: callers
 * serialize access.
 */
final class EmulatorState {
    /**
     * On-disk shape; {@code formatVersion} lets a later emulator migrate older files (version 1 held
     * instances only; the lists it lacks load empty).
     */
    record Snapshot(int formatVersion, List<InstanceRecord> instances, List<VpcRecord> vpcs,
            List<VSwitchRecord> vSwitches, List<SecurityGroupRecord> securityGroups, List<KeyPairRecord> keyPairs,
            List<FileSystemRecord> fileSystems, List<MountTargetRecord> mountTargets, long addressCounter) {}

    static final int FORMAT_VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
    final Map<String, VpcRecord> vpcs = new LinkedHashMap<>();
    final Map<String, VSwitchRecord> vSwitches = new LinkedHashMap<>();
    final Map<String, SecurityGroupRecord> securityGroups = new LinkedHashMap<>();
    /** Keyed by {@code regionId + "/" + keyPairName}: names are unique per region. */
    final Map<String, KeyPairRecord> keyPairs = new LinkedHashMap<>();
    final Map<String, FileSystemRecord> fileSystems = new LinkedHashMap<>();
    final Map<String, MountTargetRecord> mountTargets = new LinkedHashMap<>();
    private long addressCounter;

    private EmulatorState(Path file) {
        this.file = file;
    }

    /** Loads the state file if it exists; a null file means memory only. */
    static EmulatorState load(Path file) {
        EmulatorState state = new EmulatorState(file);
        if (file != null && Files.exists(file)) {
            try {
                Snapshot s = JSON.readValue(file.toFile(), Snapshot.class);
                putAll(state.instances, s.instances(), InstanceRecord::instanceId);
                putAll(state.vpcs, s.vpcs(), VpcRecord::vpcId);
                putAll(state.vSwitches, s.vSwitches(), VSwitchRecord::vSwitchId);
                putAll(state.securityGroups, s.securityGroups(), SecurityGroupRecord::securityGroupId);
                putAll(state.keyPairs, s.keyPairs(), k -> keyPairKey(k.regionId(), k.keyPairName()));
                putAll(state.fileSystems, s.fileSystems(), FileSystemRecord::fileSystemId);
                putAll(state.mountTargets, s.mountTargets(), MountTargetRecord::mountTargetDomain);
                state.addressCounter = s.addressCounter();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read emulator state " + file, e);
            }
        }
        return state;
    }

    private static <T> void putAll(Map<String, T> map, List<T> values, Function<T, String> key) {
        if (values != null) {
            values.forEach(v -> map.put(key.apply(v), v));
        }
    }

    static String keyPairKey(String regionId, String name) {
        return regionId + "/" + name;
    }

    InstanceRecord instance(String id) {
        return instances.get(id);
    }

    void put(InstanceRecord instance) {
        instances.put(instance.instanceId(), instance);
    }

    KeyPairRecord keyPair(String regionId, String name) {
        return name == null ? null : keyPairs.get(keyPairKey(regionId, name));
    }

    void put(KeyPairRecord keyPair) {
        keyPairs.put(keyPairKey(keyPair.regionId(), keyPair.keyPairName()), keyPair);
    }

    /** Hands out the next loopback address number; never the same twice, even across restarts. */
    long nextAddress() {
        return addressCounter++;
    }

    long addressesHandedOut() {
        return addressCounter;
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
                JSON.writeValue(tmp.toFile(), new Snapshot(FORMAT_VERSION, new ArrayList<>(instances.values()),
                        new ArrayList<>(vpcs.values()), new ArrayList<>(vSwitches.values()),
                        new ArrayList<>(securityGroups.values()), new ArrayList<>(keyPairs.values()),
                        new ArrayList<>(fileSystems.values()), new ArrayList<>(mountTargets.values()), addressCounter));
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
