package io.fastgpu.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to copy: the local file, where it goes ('/'-separated, relative to the destination folder), its size,
 * and its modification time in milliseconds as it was when selected ({@link #UNKNOWN_TIME} when not read then).
 */
public record FileCopy(Path local, String relative, long size, long modifiedMillis) {
    /** A modification time that was not read when the file was selected: read it from the file when needed. */
    public static final long UNKNOWN_TIME = Long.MIN_VALUE;

    /** A file whose modification time is read when needed. */
    public FileCopy(Path local, String relative, long size) {
        this(local, relative, size, UNKNOWN_TIME);
    }

    /** The file's modification time in milliseconds: as selected, else read now. */
    public long modifiedMillisNow() throws IOException {
        return modifiedMillis != UNKNOWN_TIME ? modifiedMillis : Files.getLastModifiedTime(local).toMillis();
    }

    public FileCopy {
        Objects.requireNonNull(local, "local file is missing; pass the path of the file to copy");
        Objects.requireNonNull(relative, "destination path is missing; pass a path relative to the destination folder");
        if (relative.isEmpty()) {
            throw new IllegalArgumentException("destination path of " + local
                    + " is empty; pass a path relative to the destination folder");
        }
        if (relative.startsWith("/")) {
            throw new IllegalArgumentException("destination path '" + relative
                    + "' is absolute; make it relative to the destination folder");
        }
        // ".." would let a copy escape the destination folder.
        if (relative.equals("..") || relative.startsWith("../") || relative.endsWith("/..") || relative.contains("/../")) {
            throw new IllegalArgumentException("destination path '" + relative
                    + "' contains '..'; name a path inside the destination folder");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size of " + local + " is negative (" + size
                    + "); pass the file's size in bytes");
        }
    }
}
