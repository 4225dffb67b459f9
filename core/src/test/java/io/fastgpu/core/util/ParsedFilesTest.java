package io.fastgpu.core.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsed once while unchanged, again after any change, on real files. */
class ParsedFilesTest {
    @TempDir Path dir;
    private final AtomicInteger parses = new AtomicInteger();
    private final ParsedFiles<String> files = new ParsedFiles<>(f -> {
        parses.incrementAndGet();
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + f.getFileName());
        }
    });

    @Test
    void anUnchangedFileIsParsedOnce() throws Exception {
        Path f = Files.writeString(dir.resolve("fleet.yaml"), "a");
        assertThat(files.get(f)).isEqualTo("a");
        assertThat(files.get(f)).isEqualTo("a");
        assertThat(parses).hasValue(1);
    }

    @Test
    void aFileReplacedByARenameOfTheSameSizeAndTimeIsParsedAgain() throws Exception {
        Path f = Files.writeString(dir.resolve("c.claim"), "RUNNING");
        FileTime t = Files.getLastModifiedTime(f);
        assertThat(files.get(f)).isEqualTo("RUNNING");
        Path tmp = Files.writeString(dir.resolve("c.tmp"), "STOPPED");
        Files.setLastModifiedTime(tmp, t);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(files.get(f)).isEqualTo("STOPPED");
    }

    @Test
    void aFileWrittenInPlaceIsParsedAgainWhenItsSizeOrTimeChanged() throws Exception {
        Path f = Files.writeString(dir.resolve("known_hosts"), "one");
        FileTime t = Files.getLastModifiedTime(f);
        assertThat(files.get(f)).isEqualTo("one");
        Files.writeString(f, "one two");
        Files.setLastModifiedTime(f, t);
        assertThat(files.get(f)).isEqualTo("one two");
        Files.writeString(f, "one six");
        Files.setLastModifiedTime(f, FileTime.fromMillis(t.toMillis() + 1000));
        assertThat(files.get(f)).isEqualTo("one six");
        assertThat(parses).hasValue(3);
    }

    @Test
    void aMissingFileIsAskedEveryTimeAndItsErrorIsNotKept() throws Exception {
        Path f = dir.resolve("gone.yaml");
        assertThatThrownBy(() -> files.get(f)).hasMessage("cannot read gone.yaml");
        assertThatThrownBy(() -> files.get(f)).hasMessage("cannot read gone.yaml");
        Files.writeString(f, "back");
        assertThat(files.get(f)).isEqualTo("back");
        Files.delete(f);
        assertThatThrownBy(() -> files.get(f)).hasMessage("cannot read gone.yaml");
        assertThat(parses).hasValue(4);
    }
}
