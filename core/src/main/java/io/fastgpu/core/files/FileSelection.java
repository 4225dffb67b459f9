package io.fastgpu.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Expands what the user asked to upload into the files to copy.
 *
 * <p>The spec is a path or a glob relative to a base folder (or absolute):
 * <ul>
 *   <li>a file is copied under its own name, and the selection is marked {@link Selection#single() single};</li>
 *   <li>a folder is copied whole under its own name ({@code GTC} gives {@code GTC/run.sh}), leaving out what its
 *       {@link IgnoreRules} say;</li>
 *   <li>a glob ({@code *}, {@code ?}, {@code [..]}, {@code **}) gives its matches relative to the glob's last folder
 *       without wildcards ({@code src/**}{@code /*.py} gives {@code pkg/mod.py}); matched folders are copied whole, and
 *       the ignore rules of that last folder apply.</li>
 * </ul>
 * Symbolic links to files are followed; symbolic links to folders, loops, dangling links and special files are
 * skipped, counted as ignored and listed with the reason in {@link Selection#skipped()}.
 *
 * <p>A job file's entries go through {@link #select(Path, UploadSpec)}, which keeps a plain path inside the job
 * folder and places an explicit {@code {from:, to:}} where it says.
 */
public final class FileSelection {

    private FileSelection() {
    }

    /**
     * What a spec selected.
     *
     * @param files        the files to copy, sorted by destination path
     * @param emptyDirs    destination paths of selected folders that receive no file, to create as they are; only the
     *                     deepest are listed, sorted
     * @param ignoredCount entries that would have been copied but were left out: ignored by the rules (an ignored
     *                     folder counts once), symbolic links to folders, and special files
     * @param single       whether the spec named one file, which the caller may place at an exact destination path
     * @param skipped      the entries left out for what they are rather than by a rule (links to folders, loops,
     *                     dangling links, special files), each with the reason, sorted by path
     */
    public record Selection(List<FileCopy> files, List<String> emptyDirs, int ignoredCount, boolean single,
                            List<Skipped> skipped) {
        public Selection {
            files = List.copyOf(files);
            emptyDirs = List.copyOf(emptyDirs);
            skipped = List.copyOf(skipped);
        }

        public Selection(List<FileCopy> files, List<String> emptyDirs, int ignoredCount, boolean single) {
            this(files, emptyDirs, ignoredCount, single, List.of());
        }
    }

    /**
     * An entry of an uploaded tree that is not copied, and why.
     *
     * @param local  the entry on this machine
     * @param reason what it is, e.g. "a link to a folder (/data); links to folders are not followed"
     */
    public record Skipped(Path local, String reason) {
        public Skipped {
            Objects.requireNonNull(local, "local path is missing; pass the entry that was skipped");
            Objects.requireNonNull(reason, "reason is missing; say why the entry was skipped");
        }

        /** One line for the user: "skipped PATH: REASON". */
        public String message() {
            return "skipped " + local + ": " + reason;
        }
    }

    /**
     * Selects what a job file's upload entry names. A plain path must lie inside {@code jobFolder} once '..' and
     * links of the path itself are followed; an explicit {@code {from:, to:}} may come from anywhere and lands at
     * {@code to}.
     *
     * @throws IllegalArgumentException when a plain path lies outside the job folder, the path does not exist or
     *                                  the glob matches nothing
     * @throws UncheckedIOException     when a folder or file cannot be read
     */
    public static Selection select(Path jobFolder, UploadSpec spec) {
        Objects.requireNonNull(spec, "upload entry is missing; pass a path or {from:, to:}");
        Objects.requireNonNull(jobFolder, "job folder is missing; pass the folder upload paths are relative to");
        if (spec.explicit()) {
            return select(jobFolder.toAbsolutePath().normalize(), spec.from(), spec.destination());
        }
        requireInside(jobFolder.toAbsolutePath().normalize(), spec.from());
        return select(jobFolder, spec.from());
    }

    /**
     * Checks that {@code spec} names something the job may upload, as {@link #select(Path, UploadSpec)} would,
     * without walking the folders it names: a job file is checked at once, and its files are selected when
     * the upload runs (so edits made meanwhile are seen, and a big tree is walked once).
     *
     * @throws IllegalArgumentException as {@link #select(Path, UploadSpec)}
     */
    public static void check(Path jobFolder, UploadSpec spec) {
        Objects.requireNonNull(spec, "upload entry is missing; pass a path or {from:, to:}");
        Path base = jobFolder.toAbsolutePath().normalize();
        if (!spec.explicit()) requireInside(base, spec.from());
        Path path = spec.from() == null || spec.from().isBlank() ? null : resolve(base, spec.from());
        if (path != null && Files.isDirectory(path)) return;
        if (spec.explicit()) select(base, spec.from(), spec.destination()); else select(base, spec.from(), null);
    }

    /**
     * Selects what {@code spec} names under {@code baseDir}.
     *
     * @throws IllegalArgumentException when the path does not exist or the glob matches nothing
     * @throws UncheckedIOException     when a folder or file cannot be read
     */
    public static Selection select(Path baseDir, String spec) {
        Objects.requireNonNull(baseDir, "base folder is missing; pass the folder upload paths are relative to");
        return select(baseDir.toAbsolutePath().normalize(), spec, null);
    }

    /** @param into where the selection lands ("" for the destination folder itself), or null for its own name */
    private static Selection select(Path base, String spec, String into) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("upload path is empty; name a file, a folder or a glob pattern");
        }
        // A name that exists is taken literally, even if it contains glob characters.
        Path path = resolve(base, spec);
        if (path != null && Files.isRegularFile(path)) {
            if (into != null && into.isEmpty()) {
                throw new IllegalArgumentException("upload {from: " + spec + "} is a file: 'to' must name the file it "
                        + "becomes, e.g. 'to: " + path.getFileName() + "'");
            }
            FileCopy file = new FileCopy(path, into != null ? into : path.getFileName().toString(), size(path));
            return new Selection(List.of(file), List.of(), 0, true);
        }
        if (path != null && Files.isDirectory(path)) {
            String name = into != null ? into : path.getFileName() == null ? "" : path.getFileName().toString();
            return new TreeWalk(path, name, true, relative -> true, Integer.MAX_VALUE).run();
        }
        if (firstWildcard(spec) < 0) {
            throw new IllegalArgumentException("upload path '" + spec + "' does not exist (relative to " + base + ")");
        }
        return glob(base, spec, into == null ? "" : into);
    }

    /**
     * Refuses a plain job-file path that reaches outside the job folder, through '..', an absolute path, or a
     * link (the path itself, or a folder on the way to it). For a glob, the folder before its first wildcard counts.
     */
    private static void requireInside(Path base, String spec) {
        if (spec == null || spec.isBlank()) {
            return; // select() says what is wrong
        }
        String literal = spec;
        Path path = resolve(base, spec);
        if ((path == null || !Files.exists(path)) && firstWildcard(spec) >= 0) {
            literal = spec.substring(0, spec.lastIndexOf('/', firstWildcard(spec)) + 1);
            path = resolve(base, literal.isEmpty() ? "." : literal);
        }
        if (path == null) {
            return;
        }
        String example = path.getFileName() == null ? "data" : path.getFileName().toString();
        String explicitly = "; to ship it on purpose write {from: " + spec + ", to: " + example + "}";
        boolean written = path.startsWith(base);
        if (Files.exists(path)) {
            // The real paths decide: an absolute path through another route to the job folder is inside it.
            Path real = realPath(path);
            if (real.startsWith(realPath(base))) {
                return;
            }
            if (written) {
                throw new IllegalArgumentException("upload path '" + spec + "' leads through a link to " + real
                        + ", outside the job folder " + base + explicitly);
            }
        }
        if (!written) {
            throw new IllegalArgumentException("upload path '" + spec + "' is outside the job folder " + base + explicitly);
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage() + "; check it exists and is "
                    + "readable", e);
        }
    }

    private static Selection glob(Path base, String spec, String prefix) {
        int cut = spec.lastIndexOf('/', firstWildcard(spec));
        Path parent = base.resolve(spec.substring(0, cut + 1)).normalize();
        String glob = spec.substring(cut + 1);
        Pattern regex;
        try {
            regex = Pattern.compile(IgnoreRules.globToRegex(glob));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("upload pattern '" + spec + "' is not a valid glob (" + e.getDescription()
                    + "); fix the pattern", e);
        }
        Selection selection = new Selection(List.of(), List.of(), 0, false);
        if (Files.isDirectory(parent)) {
            // Without "**", matches lie exactly as many folders deep as the glob has segments.
            int depth = glob.contains("**") ? Integer.MAX_VALUE : glob.split("/").length;
            selection = new TreeWalk(parent, prefix, false, relative -> regex.matcher(relative).matches(), depth).run();
        }
        if (selection.files().isEmpty() && selection.emptyDirs().isEmpty()) {
            throw new IllegalArgumentException("upload pattern '" + spec + "' matched no files (relative to " + base + ")"
                    + (selection.ignoredCount() == 0 ? "" : "; the " + selection.ignoredCount()
                            + " entries it matched are ignored by the .fastgpuignore or .gitignore rules of " + parent));
        }
        return selection;
    }

    /** The spec as a path, or null where it cannot be one on this platform (e.g. '*' on Windows). */
    private static Path resolve(Path base, String spec) {
        try {
            return base.resolve(spec).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static int firstWildcard(String spec) {
        int first = -1;
        for (char c : new char[] {'*', '?', '['}) {
            int at = spec.indexOf(c);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file + ": " + e.getMessage()
                    + "; check it is readable", e);
        }
    }
}
