package io.fastgpu.emulator.aliyun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The host folders backing the NAS file systems: {@code root/<FileSystemId>}, under a given root or,
 * when none is given, under a temporary folder made on first use and removed by {@link #close()}.
 */
final class NasFolders {
    private final Path configuredRoot;
    private Path root;

    /** @param root where the folders live; null for a temporary folder */
    NasFolders(Path root) {
        this.configuredRoot = root;
        this.root = root;
    }

    private synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("aliyun-emulator-nas");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a folder for NAS data", e);
            }
        }
        return root;
    }

    Path folder(String fileSystemId) {
        return root().resolve(fileSystemId);
    }

    /** Removes the temporary folder, if one was made; a configured root stays. */
    synchronized void close() {
        if (configuredRoot == null && root != null) {
            deleteTree(root);
            root = null;
        }
    }

    void create(String fileSystemId) {
        try {
            Files.createDirectories(folder(fileSystemId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of NAS file system " + fileSystemId, e);
        }
    }

    void delete(String fileSystemId) {
        deleteTree(folder(fileSystemId));
    }

    /** Bytes stored, as DescribeFileSystems' MeteredSize. */
    long usedBytes(String fileSystemId) {
        Path folder = folder(fileSystemId);
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file removed while we count
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
