package io.fastgpu.core.state;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteNativeCacheTest {
    @TempDir
    Path home;

    @Test
    void unpacksTheLibraryOnceAndKeepsIt() throws IOException {
        Path lib = library();
        assertThat(SqliteNativeCache.unpack(home)).contains(lib);
        assertThat(Files.size(lib)).isGreaterThan(100_000);
        FileTime unpacked = Files.getLastModifiedTime(lib);
        assertThat(SqliteNativeCache.unpack(home)).contains(lib);
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(unpacked);
        assertThat(files(lib.getParent())).containsExactly(lib);
    }

    /** A disk too small for the library (about 1 MiB): each try leaves nothing behind to fill it further. */
    @Test
    void aFullDiskLeavesNoTemporaryFileBehind() throws Exception {
        Path lib = library();
        try (TestMounts.Mount tmpfs = TestMounts.tmpfs(home, "256k")) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                assertThat(SqliteNativeCache.unpack(home)).as("attempt %d", attempt).isEmpty();
                assertThat(files(lib.getParent())).as("after attempt %d", attempt).isEmpty();
            }
        }
    }

    /** The copy succeeds but cannot be renamed into place (here: a folder is in the way). */
    @Test
    void aCopyThatCannotBeMovedIntoPlaceLeavesNoTemporaryFileBehind() throws IOException {
        Path lib = library();
        Files.createDirectories(lib.resolve("in-the-way"));
        assertThat(SqliteNativeCache.unpack(home)).isEmpty();
        assertThat(files(lib.getParent())).containsExactly(lib);
    }

    /** Copies left by a process killed while copying are swept once old; one that may be in progress is kept. */
    @Test
    void oldTemporaryFilesAreSweptAndRecentOnesKept() throws IOException {
        Path lib = library();
        Path dir = Files.createDirectories(lib.getParent());
        Path old = Files.write(dir.resolve("libsqlitejdbc123.tmp"), new byte[1024]);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(SqliteNativeCache.STALE_TEMP)
                .minus(Duration.ofMinutes(1))));
        Path recent = Files.write(dir.resolve("libsqlitejdbc456.tmp"), new byte[1024]);
        Path unrelated = Files.write(dir.resolve("notes.txt"), new byte[1]);
        Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        assertThat(SqliteNativeCache.unpack(home)).contains(lib);

        assertThat(files(dir)).containsExactlyInAnyOrder(lib, recent, unrelated);
    }

    private Path library() {
        var library = SqliteNativeCache.library(home);
        Assumptions.assumeTrue(library.isPresent(), "no kept native library on this platform");
        return library.get().file();
    }

    /** The files in {@code dir}, or none when it does not exist. */
    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
