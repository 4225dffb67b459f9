package io.fastgpu.core.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Keeps sqlite-jdbc's native library unpacked in the FastGPU home. By default the driver unpacks it into
 * the temporary folder on every start, which is a good part of a short CLI command's time; pointing
 * {@code org.sqlite.lib.path} at a kept copy skips that. Any problem here falls back to the default.
 */
final class SqliteNativeCache {
    private SqliteNativeCache() { }

    static synchronized void use(Path fastgpuHome) {
        if (System.getProperty("org.sqlite.lib.path") != null) return;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (!os.contains("linux") || arch == null) return;
        String resource = "/org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so";
        String version = org.sqlite.SQLiteJDBCLoader.getVersion();
        Path dir = fastgpuHome.resolve("lib").resolve("sqlite-" + version + "-" + arch);
        Path lib = dir.resolve("libsqlitejdbc.so");
        try {
            if (!Files.isRegularFile(lib)) {
                try (InputStream in = SqliteNativeCache.class.getResourceAsStream(resource)) {
                    if (in == null) return;
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, "libsqlitejdbc", ".tmp");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            // the driver's own unpacking still works
        }
    }
}
