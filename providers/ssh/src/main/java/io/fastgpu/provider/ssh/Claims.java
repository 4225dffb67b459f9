package io.fastgpu.provider.ssh;

import io.fastgpu.api.InstanceState;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Which job task holds which fleet host: one small file per claim under the FastGPU home, changed under a
 * lock shared by threads and processes, so two jobs never take one host unless the fleet is shared.
 */
final class Claims {
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    /** A task's hold on a host. {@code workdir} names its folder there and survives renames. */
    record Claim(String task, String fleet, String hostKey, String workdir, InstanceState state, Instant createdAt,
                 Map<String, String> tags) {
        String id() { return "ssh-" + hostKey + "--" + workdir; }

        Claim with(InstanceState s) { return new Claim(task, fleet, hostKey, workdir, s, createdAt, tags); }

        Claim named(String t) { return new Claim(t, fleet, hostKey, workdir, state, createdAt, tags); }
    }

    private final Path dir;

    Claims(Path dir) { this.dir = dir; }

    List<Claim> all() {
        if (!Files.isDirectory(dir)) return List.of();
        List<Claim> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".claim"))::iterator) {
                read(f).ifPresent(result::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return result;
    }

    /** The claim whose {@link Claim#id() id} is {@code id}, read from its own file alone; empty when there is none. */
    java.util.Optional<Claim> find(String id) {
        String prefix = "ssh-";
        if (!id.startsWith(prefix) || !id.contains("--") || id.contains("/") || id.indexOf('\0') >= 0) return java.util.Optional.empty();
        String base = id.substring(prefix.length());
        if (base.startsWith(".")) return java.util.Optional.empty();
        return read(dir.resolve(base + ".claim")).filter(c -> c.id().equals(id));
    }

    private java.util.Optional<Claim> read(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        Map<String, String> tags = new TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("tag."))
                .forEach(k -> tags.put(k.substring(4), p.getProperty(k)));
        return java.util.Optional.of(new Claim(p.getProperty("task"), p.getProperty("fleet"), p.getProperty("host"),
                p.getProperty("workdir"), InstanceState.valueOf(p.getProperty("state")),
                Instant.ofEpochMilli(Long.parseLong(p.getProperty("createdAt"))), tags));
    }

    void save(Claim c) {
        Properties p = new Properties();
        p.setProperty("task", c.task());
        p.setProperty("fleet", c.fleet());
        p.setProperty("host", c.hostKey());
        p.setProperty("workdir", c.workdir());
        p.setProperty("state", c.state().name());
        p.setProperty("createdAt", String.valueOf(c.createdAt().toEpochMilli()));
        c.tags().forEach((k, v) -> p.setProperty("tag." + k, v));
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "claim", ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            Files.move(tmp, file(c), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write claim of " + c.task(), e);
        }
    }

    void remove(Claim c) {
        try {
            Files.deleteIfExists(file(c));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove claim of " + c.task(), e);
        }
    }

    private Path file(Claim c) { return dir.resolve(c.hostKey() + "--" + c.workdir() + ".claim"); }

    /** Runs {@code action} holding the claims lock (this JVM's threads, then other processes). */
    <T> T locked(Supplier<T> action) {
        synchronized (JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new Object())) {
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    return action.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + dir, e);
            }
        }
    }
}
