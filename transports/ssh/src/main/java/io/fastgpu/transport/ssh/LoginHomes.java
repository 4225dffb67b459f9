package io.fastgpu.transport.ssh;

import io.fastgpu.core.util.ParsedFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The login's home folder last seen on each SSH target, kept in a file beside FastGPU's pinned host keys, so that the
 * first command on a new connection (a new process, a new agent) needs no round trip to learn it. It is only a hint:
 * the first command on each connection checks it on the machine before anything else runs
 * ({@link SshTransport}), and a home that moved is forgotten. Holds folder names only, never a secret; a file that
 * cannot be read or written is no home known, never an error.
 */
final class LoginHomes {
    /** One update at a time in this process, whichever connector makes it (several may share a file). */
    private static final Object UPDATES = new Object();
    private final Path file;
    /** The file read once while it is unchanged: every connection of a command looks up its host in it. */
    private final ParsedFiles<Map<String, String>> parsed = new ParsedFiles<>(f -> java.util.Collections.unmodifiableMap(read(f)));

    LoginHomes(Path file) { this.file = file; }

    /** Next to {@code knownHosts}: one per FastGPU home, like the pinned keys. */
    static LoginHomes besides(Path knownHosts) {
        return new LoginHomes(knownHosts.toAbsolutePath().resolveSibling("login_homes"));
    }

    /**
     * The home remembered for {@code target} when it was the machine of host key {@code hostKey} (a machine made again
     * at the same address has another host key, and so no home remembered).
     */
    Optional<String> get(SshTarget target, PublicKey hostKey) {
        String entry = parsed.get(file).get(key(target));
        String prefix = fingerprint(hostKey) + "\t";
        return entry != null && entry.startsWith(prefix) ? Optional.of(entry.substring(prefix.length())) : Optional.empty();
    }

    /** Remembers {@code home} for {@code target} as the machine of {@code hostKey}; a folder name a line cannot hold is not kept. */
    void put(SshTarget target, PublicKey hostKey, String home) {
        if (!home.startsWith("/") || home.indexOf('\n') >= 0 || home.indexOf('\t') >= 0) return;
        update(target, fingerprint(hostKey) + "\t" + home);
    }

    private static String fingerprint(PublicKey key) {
        return key == null ? "-" : org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(key);
    }

    void forget(SshTarget target) { update(target, null); }

    private static String key(SshTarget t) {
        return t.display() + (t.proxyJump().isEmpty() ? "" : " via " + t.proxyJump());
    }

    private void update(SshTarget target, String entry) {
        synchronized (UPDATES) {
            write(target, entry);
        }
    }

    private void write(SshTarget target, String entry) {
        Map<String, String> homes = read(file);
        String k = key(target);
        if (entry == null ? homes.remove(k) == null : entry.equals(homes.put(k, entry))) return;
        StringBuilder text = new StringBuilder("# The login home folder on each SSH host (its host key, its home), as last seen;"
                + " FastGPU checks it before use.\n");
        homes.forEach((h, d) -> text.append(h).append('\t').append(d).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: as private as it gets there
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: the next command learns the home again
            }
        }
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> homes = new TreeMap<>();
        try {
            if (!Files.isRegularFile(file)) return homes;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 3);
                if (line.startsWith("#") || f.length != 3 || f[0].isEmpty() || !f[2].startsWith("/")) continue;
                homes.put(f[0], f[1] + "\t" + f[2]);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: nothing known
        }
        return homes;
    }
}
