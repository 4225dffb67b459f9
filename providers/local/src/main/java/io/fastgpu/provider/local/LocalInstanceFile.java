package io.fastgpu.provider.local;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/** A local instance's description, one properties file beside its home folder, replaced atomically. */
final class LocalInstanceFile {
    static final String NAME = "instance.properties";
    private static final String TAG = "tag.";

    private LocalInstanceFile() { }

    static Optional<Instance> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> tags = new TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith(TAG))
                .forEach(k -> tags.put(k.substring(TAG.length()), p.getProperty(k)));
        return Optional.of(new Instance(p.getProperty("id"), p.getProperty("name"), LocalProvider.NAME,
                InstanceState.valueOf(p.getProperty("state")), p.getProperty("instanceType"), "-", "",
                p.getProperty("ip"), Instant.ofEpochMilli(Long.parseLong(p.getProperty("createdAt"))), tags));
    }

    static void write(Path file, Instance i) {
        Properties p = new Properties();
        p.setProperty("id", i.id());
        p.setProperty("name", i.name());
        p.setProperty("state", i.state().name());
        p.setProperty("instanceType", i.instanceType());
        p.setProperty("ip", i.privateIp());
        p.setProperty("createdAt", String.valueOf(i.createdAt().toEpochMilli()));
        i.tags().forEach((k, v) -> p.setProperty(TAG + k, v));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(NAME + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
