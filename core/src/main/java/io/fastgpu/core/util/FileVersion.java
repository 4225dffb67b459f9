package io.fastgpu.core.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Which version of a regular file is there now: its inode, size and modification time. A file replaced by a rename
 * has another inode, one written in place another size or time; what was read of it earlier is of the same version
 * while these are equal.
 */
public record FileVersion(Object inode, long size, FileTime modified) {
    /** The version of {@code file} now, or null when it is not a regular file that can be examined. */
    public static FileVersion of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.isRegularFile() ? new FileVersion(a.fileKey(), a.size(), a.lastModifiedTime()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    // equals and hashCode written out: a record's own are linked on first use by generating classes, which a fresh
    // agent's first command pays for (BENCHMARKS.md, "Resident agent").
    @Override
    public boolean equals(Object o) {
        return o instanceof FileVersion v && size == v.size && Objects.equals(inode, v.inode) && modified.equals(v.modified);
    }

    @Override
    public int hashCode() { return Objects.hash(inode, size, modified); }
}
