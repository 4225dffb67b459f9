package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Where one machine's disk lies on this host, {@code root/<instanceId>/}: {@code home/} (what
 * {@code /root} is on a real instance), {@code tmp/} (its TMPDIR), {@code bin/} (commands that must
 * answer for the machine rather than for this host, such as {@code hostname}) and its SSH host key.
 */
record MachineDisk(String instanceId, Path dir) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Longest tmux socket path we let lie under the disk; sockets are limited to 108 bytes. */
    private static final int MAX_SOCKET_DIR = 80;

    MachineDisk {
        if (!ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("not an instance id: " + instanceId);
        }
    }

    static MachineDisk of(Path root, String instanceId) {
        return new MachineDisk(instanceId, root.toAbsolutePath().normalize().resolve(instanceId));
    }

    Path home() {
        return dir.resolve("home");
    }

    Path tmp() {
        return dir.resolve("tmp");
    }

    Path bin() {
        return dir.resolve("bin");
    }

    Path hostKey() {
        return dir.resolve("ssh_host_ecdsa_key");
    }

    /**
     * The folder tmux keeps its socket in ({@code TMUX_TMPDIR}): the disk's tmp folder, unless its path
     * is too long for a Unix socket; then a short folder under /tmp named after the disk.
     */
    Path tmuxDir() {
        String tmp = tmp().toString();
        if (tmp.length() <= MAX_SOCKET_DIR) {
            return tmp();
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(dir.toString().getBytes(StandardCharsets.UTF_8));
            return Path.of("/tmp", "fastgpu-emu-" + HexFormat.of().formatHex(hash, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the folders that are missing; keeps what is there. */
    void create() throws IOException {
        Files.createDirectories(home());
        Files.createDirectories(bin());
        Files.createDirectories(tmp());
        Path tmux = tmuxDir();
        Files.createDirectories(tmux);
        Files.setPosixFilePermissions(tmux, PosixFilePermissions.fromString("rwx------"));
    }

    /** Deletes the whole disk (and the tmux folder outside it, if any). */
    void delete() {
        if (!tmuxDir().startsWith(dir)) {
            deleteTree(tmuxDir());
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path top) {
        if (!Files.exists(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + top, e);
        }
    }
}
