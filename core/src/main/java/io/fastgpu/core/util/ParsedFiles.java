package io.fastgpu.core.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a parser made of each file, made again only when the file changed (its inode, size or modification time):
 * for configuration that many threads of one command read, such as the fleet file each of 16 hosts' tasks reads.
 * A file that cannot be examined is parsed every time, so the parser says what is wrong with it; what a parser throws
 * is never kept.
 */
public final class ParsedFiles<T> {
    /** A file's state. (Equality written out: a record's is linked on first use by generating classes.) */
    private record Stamp(Object inode, long size, FileTime modified) {
        boolean same(Stamp o) { return size == o.size && Objects.equals(inode, o.inode) && modified.equals(o.modified); }
    }

    private record Parsed<T>(Stamp stamp, T value) { }

    private final Function<Path, T> parser;
    private final Map<Path, Parsed<T>> parsed = new ConcurrentHashMap<>();

    public ParsedFiles(Function<Path, T> parser) { this.parser = Objects.requireNonNull(parser); }

    /** What {@code file} parses to now. */
    public T get(Path file) {
        Stamp before = stamp(file);
        Parsed<T> known = before == null ? null : parsed.get(file);
        if (known != null && known.stamp().same(before)) return known.value();
        T value = parser.apply(file);
        // Taken before the parse: a change during it leaves a stamp that the next call finds different.
        if (before != null) parsed.put(file, new Parsed<>(before, value));
        else parsed.remove(file);
        return value;
    }

    private static Stamp stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.isRegularFile() ? new Stamp(a.fileKey(), a.size(), a.lastModifiedTime()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
