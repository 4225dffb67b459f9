package io.fastgpu.emulator.tione;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The emulated buckets' objects, one file each under {@code root/<bucket>/<key>}, and multipart uploads
 * in progress under {@code root/.uploads/<uploadId>/<partNumber>}. Thread-safe enough for one writer
 * per key (writes go to a temporary file, then move into place).
 */
final class CosStore {
    /** One object: its key, size, last change (ms) and ETag (the MD5 of its bytes, hex). */
    record ObjectInfo(String key, long size, long lastModified, String etag) {}

    private final Path root;

    CosStore(Path root) {
        this.root = root;
    }

    void createBucket(String bucket) {
        try {
            Files.createDirectories(root.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean bucketExists(String bucket) {
        return Files.isDirectory(root.resolve(bucket)) && !bucket.startsWith(".");
    }

    /** The file of an object (which may not exist); a key that would leave the bucket is refused. */
    Path file(String bucket, String key) {
        Path dir = root.resolve(bucket).normalize();
        Path f = dir.resolve(key).normalize();
        if (key.isEmpty() || !f.startsWith(dir) || f.equals(dir)) {
            throw new ApiException("InvalidArgument", "invalid object key '" + key + "'", 400);
        }
        return f;
    }

    ObjectInfo head(String bucket, String key) {
        Path f = file(bucket, key);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        return info(key, f);
    }

    /** Writes an object from {@code in}; a key ending in '/' (a folder marker) keeps nothing. */
    ObjectInfo put(String bucket, String key, InputStream in) throws IOException {
        if (key.endsWith("/")) {
            in.transferTo(OutputStream.nullOutputStream());
            return new ObjectInfo(key, 0, System.currentTimeMillis(), md5Hex(new byte[0]));
        }
        Path f = file(bucket, key);
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(f.getParent(), ".put", ".tmp");
        try (InputStream body = in) {
            Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return info(key, f);
    }

    boolean delete(String bucket, String key) throws IOException {
        Path f = file(bucket, key);
        boolean gone = Files.deleteIfExists(f);
        Path dir = f.getParent();
        Path top = root.resolve(bucket);
        while (dir != null && !dir.equals(top) && isEmptyDir(dir)) {
            Files.delete(dir);
            dir = dir.getParent();
        }
        return gone;
    }

    /** Every object of the bucket whose key starts with {@code prefix}, in key order. */
    List<ObjectInfo> list(String bucket, String prefix) {
        Path top = root.resolve(bucket);
        List<ObjectInfo> out = new ArrayList<>();
        if (!Files.isDirectory(top)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(top)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String key = top.relativize(f).toString();
                if (key.startsWith(prefix == null ? "" : prefix) && !f.getFileName().toString().startsWith(".put")) {
                    out.add(info(key, f));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    String initiateUpload() throws IOException {
        String id = UUID.randomUUID().toString().replace("-", "");
        Files.createDirectories(root.resolve(".uploads").resolve(id));
        return id;
    }

    String putPart(String uploadId, int part, InputStream in) throws IOException {
        Path dir = uploadDir(uploadId);
        Path f = dir.resolve(String.valueOf(part));
        try (InputStream body = in) {
            Files.copy(body, f, StandardCopyOption.REPLACE_EXISTING);
        }
        return md5Hex(Files.readAllBytes(f));
    }

    ObjectInfo completeUpload(String bucket, String key, String uploadId, List<Integer> parts) throws IOException {
        Path dir = uploadDir(uploadId);
        Path f = file(bucket, key);
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(f.getParent(), ".put", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (int p : parts) {
                Path part = dir.resolve(String.valueOf(p));
                if (!Files.exists(part)) {
                    throw new ApiException("InvalidPart", "part " + p + " of upload " + uploadId + " was not uploaded", 400);
                }
                Files.copy(part, out);
            }
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        abortUpload(uploadId);
        return info(key, f);
    }

    void abortUpload(String uploadId) throws IOException {
        Path dir = uploadDir(uploadId);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private Path uploadDir(String uploadId) {
        Path dir = root.resolve(".uploads").resolve(uploadId).normalize();
        if (!uploadId.matches("[0-9a-f]{32}") || !Files.isDirectory(dir)) {
            throw new ApiException("NoSuchUpload", "The specified multipart upload does not exist.", 404);
        }
        return dir;
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static ObjectInfo info(String key, Path f) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return new ObjectInfo(key, Files.size(f), Files.getLastModifiedTime(f).toMillis(),
                    HexFormat.of().formatHex(md.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
