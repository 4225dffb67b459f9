package io.fastgpu.core.util;

import java.nio.file.Path;
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
    private record Parsed<T>(FileVersion version, T value) { }

    private final Function<Path, T> parser;
    private final Map<Path, Parsed<T>> parsed = new ConcurrentHashMap<>();

    public ParsedFiles(Function<Path, T> parser) { this.parser = Objects.requireNonNull(parser); }

    /** What {@code file} parses to now. */
    public T get(Path file) {
        FileVersion before = FileVersion.of(file);
        Parsed<T> known = before == null ? null : parsed.get(file);
        if (known != null && known.version().equals(before)) return known.value();
        T value = parser.apply(file);
        // Taken before the parse: a change during it leaves a version that the next call finds different.
        if (before != null) parsed.put(file, new Parsed<>(before, value));
        else parsed.remove(file);
        return value;
    }
}
