package io.fastgpu.cli.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's files in a FastGPU home, all in one folder only its user can enter: the socket, the lock
 * that makes it one agent per home, the lock that makes starting it race-free, the file naming the running
 * agent (pid and build), its log, and the note that the agent cannot run here.
 */
record AgentHome(Path dir) {
    /** Environment variable: {@code off} runs every command in the command's own process. */
    static final String AGENT_ENV = "FASTGPU_AGENT";
    /** Environment variable: how long the agent waits for the next command before it exits (900, 15m, 1h). */
    static final String IDLE_ENV = "FASTGPU_AGENT_IDLE";
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);

    static AgentHome of(Path fastgpuHome) { return new AgentHome(fastgpuHome.resolve("agent")); }

    Path socket() { return dir.resolve("agent.sock"); }
    Path lock() { return dir.resolve("agent.lock"); }
    Path startLock() { return dir.resolve("start.lock"); }
    Path pidFile() { return dir.resolve("agent.pid"); }
    Path log() { return dir.resolve("agent.log"); }
    /** Written when the agent could not listen here (a file system without Unix sockets): commands then run in-process. */
    Path unavailable() { return dir.resolve("unavailable"); }

    /** Creates the folder, readable by its user only. */
    void create() throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the socket's own mode and the peer check still apply
        }
    }

    /** {@code file}, created empty and readable by its user only when it does not exist yet; returns it. */
    static Path privateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // kept as it is
        } catch (UnsupportedOperationException e) {
            if (!Files.exists(file)) Files.createFile(file);
        }
        return file;
    }

    /** The running agent as its file names it. */
    record Running(long pid, String build, long startedMillis) { }

    Optional<Running> running() {
        try {
            List<String> lines = Files.readAllLines(pidFile(), StandardCharsets.UTF_8);
            if (lines.size() < 3) return Optional.empty();
            return Optional.of(new Running(Long.parseLong(lines.get(0).trim()), lines.get(1).trim(), Long.parseLong(lines.get(2).trim())));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    void writeRunning(Running r) throws IOException {
        Path tmp = dir.resolve("agent.pid.tmp");
        Files.deleteIfExists(tmp);
        privateFile(tmp);
        Files.writeString(tmp, r.pid() + "\n" + r.build() + "\n" + r.startedMillis() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, pidFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The idle time from {@value #IDLE_ENV}: seconds, or a number with s, m or h. */
    static Duration idle(Map<String, String> env) {
        String v = env.get(IDLE_ENV);
        if (v == null || v.isBlank()) return DEFAULT_IDLE;
        String s = v.strip().toLowerCase(Locale.ROOT);
        try {
            char unit = s.charAt(s.length() - 1);
            if (Character.isDigit(unit)) return Duration.ofSeconds(Long.parseLong(s));
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException(v);
            };
        } catch (NumberFormatException e) {
            throw new io.fastgpu.api.InvalidSpecException(IDLE_ENV + " must be seconds or a number with s, m or h (900, 15m), was '" + v + "'");
        }
    }

    private static volatile String build;

    /**
     * This build of FastGPU: a hash of what is on the class path (each jar's name, size and time; each class folder's
     * agent classes' times), so that an agent of another build is never spoken to.
     */
    static String build() {
        String b = build;
        if (b != null) return b;
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
                if (entry.isEmpty()) continue;
                Path p = Path.of(entry);
                d.update(entry.getBytes(StandardCharsets.UTF_8));
                try {
                    Path stamp = Files.isDirectory(p) ? p.resolve("io/fastgpu/cli/agent/Frames.class") : p;
                    if (Files.exists(stamp)) {
                        d.update((Files.size(stamp) + ":" + Files.getLastModifiedTime(stamp).toMillis()).getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // an unreadable entry counts by its name
                }
            }
            b = HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        build = b;
        return b;
    }
}
