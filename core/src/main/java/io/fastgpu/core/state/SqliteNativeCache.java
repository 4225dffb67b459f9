package io.fastgpu.core.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps sqlite-jdbc's native library unpacked in the FastGPU home. By default the driver unpacks it into
 * the temporary folder on every start, which is a good part of a short CLI command's time; pointing
 * {@code org.sqlite.lib.path} at a kept copy skips that. Any problem here falls back to the default.
 *
 * <p>The library (about 1 MiB) is copied to a temporary file beside it and renamed into place, so no process ever
 * loads half a copy. A copy that fails (a full disk) deletes its temporary file, and temporary files that a killed
 * process left behind are swept once they are old, so a small disk does not fill up one try at a time.
 */
final class SqliteNativeCache {
    static final String TEMP_PREFIX = "libsqlitejdbc";
    static final String TEMP_SUFFIX = ".tmp";
    /** Far longer than a copy of the library takes, so a sweep never deletes another process's copy in progress. */
    static final Duration STALE_TEMP = Duration.ofMinutes(10);

    private SqliteNativeCache() { }

    static synchronized void use(Path fastgpuHome) {
        if (System.getProperty("org.sqlite.lib.path") != null) return;
        unpack(fastgpuHome).ifPresent(lib -> {
            System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
            System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
        });
    }

    /**
     * The library unpacked under {@code fastgpuHome/lib}, unpacking it first if needed; empty when there is none
     * for this platform or it cannot be unpacked there, leaving no temporary file behind.
     */
    static Optional<Path> unpack(Path fastgpuHome) {
        Optional<Library> found = library(fastgpuHome);
        if (found.isEmpty()) return Optional.empty();
        Path lib = found.get().file();
        if (Files.isRegularFile(lib)) return Optional.of(lib);
        Path dir = lib.getParent();
        Path tmp = null;
        try (InputStream in = SqliteNativeCache.class.getResourceAsStream(found.get().resource())) {
            if (in == null) return Optional.empty();
            Files.createDirectories(dir);
            sweepStaleTemps(dir);
            tmp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(lib);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) deleteQuietly(tmp);
            return Optional.empty(); // the driver's own unpacking still works
        }
    }

    /** The library of this platform: where the driver's jar holds it, and where a FastGPU home keeps it. */
    record Library(String resource, Path file) { }

    /** The library of this platform for {@code fastgpuHome}; empty on a platform where none is kept. */
    static Optional<Library> library(Path fastgpuHome) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (!os.contains("linux") || arch == null) return Optional.empty();
        String version = org.sqlite.SQLiteJDBCLoader.getVersion();
        return Optional.of(new Library("/org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so",
                fastgpuHome.resolve("lib").resolve("sqlite-" + version + "-" + arch).resolve("libsqlitejdbc.so")));
    }

    /** Deletes temporary copies older than {@link #STALE_TEMP}: left by a process killed while copying. */
    private static void sweepStaleTemps(Path dir) {
        FileTime before = FileTime.from(Instant.now().minus(STALE_TEMP));
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
            for (Path t : temps) {
                try {
                    if (Files.getLastModifiedTime(t).compareTo(before) < 0) Files.deleteIfExists(t);
                } catch (IOException e) {
                    // gone already, or not ours to delete
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to sweep
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next sweep removes it
        }
    }
}
