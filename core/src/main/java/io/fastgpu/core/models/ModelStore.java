package io.fastgpu.core.models;

import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The folder that holds the registered models' files, each stored once under its sha256
 * ({@code blobs/ab/abcdef...}), however many versions hold it. A file enters through a temporary copy that is
 * hashed as it is written and then moved into place, so a half-written file is never taken for a stored one.
 */
public final class ModelStore {
    private final Path root;

    public ModelStore(Path root) { this.root = root.toAbsolutePath(); }

    /** The store's folder. */
    public Path root() { return root; }

    /** A stored file: its checksum and size. */
    public record Blob(String sha256, long size) { }

    /** Stores a copy of {@code file} (once per content) and returns its checksum and size. */
    public Blob put(Path file) {
        try {
            Files.createDirectories(root.resolve("tmp"));
            Path tmp = Files.createTempFile(root.resolve("tmp"), "in-", ".part");
            try {
                MessageDigest sha = sha256();
                long size;
                try (InputStream in = Files.newInputStream(file);
                     OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                    size = in.transferTo(out);
                }
                String hex = HexFormat.of().formatHex(sha.digest());
                Path target = path(hex);
                if (!Files.exists(target)) {
                    Files.createDirectories(target.getParent());
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                        if (!Files.exists(target)) Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return new Blob(hex, size);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new FastGpuException("cannot store " + file + " in the model store " + root + ": " + e.getMessage()
                    + "; check that the folder is writable and has space", e);
        }
    }

    /** Where the file with checksum {@code sha256} is kept. */
    public Path path(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a sha256: " + sha256);
        return root.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /**
     * Copies the stored file {@code sha256} to {@code target}, checking its checksum on the way: a copy that does not
     * match is removed again and the download fails with one line.
     */
    public void copyOut(String sha256, String what, Path target) {
        Path stored = path(sha256);
        if (!Files.isRegularFile(stored)) {
            throw new FastGpuException(what + ": its file " + stored + " is missing from the model store; register it again");
        }
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
            try {
                MessageDigest sha = sha256();
                try (InputStream in = Files.newInputStream(stored);
                     OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                    in.transferTo(out);
                }
                String got = HexFormat.of().formatHex(sha.digest());
                if (!got.equals(sha256)) {
                    throw new FastGpuException(what + ": checksum mismatch: the stored file " + stored + " has sha256 " + got
                            + ", registered as " + sha256 + " (changed or damaged on disk); nothing was written; register it again");
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new FastGpuException(what + ": cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes the stored file {@code sha256}; nothing when it is not there. */
    public void remove(String sha256) {
        try {
            Files.deleteIfExists(path(sha256));
        } catch (IOException e) {
            throw new FastGpuException("cannot remove " + path(sha256) + " from the model store: " + e.getMessage(), e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
