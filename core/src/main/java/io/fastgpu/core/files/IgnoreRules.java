package io.fastgpu.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides which files of a folder tree to leave out of an upload, following gitignore(5).
 *
 * <p>The rules come from {@code .fastgpuignore} at the root if present (that file alone), otherwise from
 * {@code .gitignore} files: the root one plus one per subfolder, each relative to its own folder. A {@code .git}
 * folder is always ignored, whatever the files say. Instances are immutable.
 */
public final class IgnoreRules {
    private static final String FASTGPU_IGNORE = ".fastgpuignore";
    private static final String GIT_IGNORE = ".gitignore";

    private static final Set<String> POSIX_CLASSES = Set.of(
            "alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit");

    /** One pattern line, already translated to a regex over paths relative to the ignore file's folder. */
    private record Rule(Pattern regex, boolean negated, boolean directoryOnly) {
        boolean matches(String path, boolean isDirectory) {
            return (isDirectory || !directoryOnly) && regex.matcher(path).matches();
        }
    }

    /** Rules by the folder holding their ignore file ("" for the root, else a '/'-separated relative path). */
    private final Map<String, List<Rule>> rulesByFolder;

    private IgnoreRules(Map<String, List<Rule>> rulesByFolder) {
        this.rulesByFolder = rulesByFolder;
    }

    /** Rules for the tree under {@code root}: its {@code .fastgpuignore}, else its {@code .gitignore} files, else none. */
    public static IgnoreRules forRoot(Path root) {
        Path fastgpuIgnore = root.resolve(FASTGPU_IGNORE);
        if (Files.isRegularFile(fastgpuIgnore)) {
            return new IgnoreRules(Map.of("", read(fastgpuIgnore)));
        }
        Map<String, List<Rule>> rules = new HashMap<>();
        // Sees each folder's rules as soon as they are read, so ignored folders are not searched for .gitignore files.
        IgnoreRules sofar = new IgnoreRules(rules);
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String folder = relativePath(root, dir);
                    if (!folder.isEmpty() && sofar.isIgnored(folder, true)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Path gitIgnore = dir.resolve(GIT_IGNORE);
                    if (Files.isRegularFile(gitIgnore)) {
                        rules.put(folder, read(gitIgnore));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // Unreadable entries are reported by whoever lists the files to upload.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + root + " for .gitignore files: " + e.getMessage()
                    + "; check the folder's permissions", e);
        }
        return new IgnoreRules(Map.copyOf(rules));
    }

    /** Rules from the given lines as if they were the root's ignore file (for tests and callers without files). */
    public static IgnoreRules of(List<String> lines) {
        return new IgnoreRules(Map.of("", parse(lines, "ignore rules")));
    }

    /**
     * Whether the entry at {@code relativePath} ('/'-separated, relative to the root) is left out.
     *
     * @param isDirectory whether the entry is a directory; patterns ending in '/' only match directories
     */
    public boolean isIgnored(String relativePath, boolean isDirectory) {
        if (relativePath.isEmpty()) {
            return false;
        }
        // A file inside an excluded directory cannot be re-included, so each ancestor is decided first.
        for (int slash = relativePath.indexOf('/'); slash >= 0; slash = relativePath.indexOf('/', slash + 1)) {
            if (excluded(relativePath.substring(0, slash), true)) {
                return true;
            }
        }
        return excluded(relativePath, isDirectory);
    }

    /**
     * Like {@link #isIgnored}, for an entry whose folders were all decided not ignored already: a walk that does not
     * enter an ignored folder decides each entry once, not once more for every entry inside it.
     */
    boolean isIgnoredInside(String relativePath, boolean isDirectory) {
        return !relativePath.isEmpty() && excluded(relativePath, isDirectory);
    }

    /** Decides one entry on its own, ignoring its ancestors. */
    private boolean excluded(String path, boolean isDirectory) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (isDirectory && name.equals(".git")) {
            return true;
        }
        // The last matching line wins, and a deeper ignore file overrides a shallower one: search deepest first, backwards.
        for (int slash = path.lastIndexOf('/'); ; slash = path.lastIndexOf('/', slash - 1)) {
            List<Rule> rules = rulesByFolder.get(slash < 0 ? "" : path.substring(0, slash));
            String local = path.substring(slash + 1);
            for (int i = rules == null ? -1 : rules.size() - 1; i >= 0; i--) {
                if (rules.get(i).matches(local, isDirectory)) {
                    return !rules.get(i).negated();
                }
            }
            if (slash < 0) {
                return false;
            }
        }
    }

    private static List<Rule> read(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return parse(text.lines().toList(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage() + "; check its permissions", e);
        }
    }

    private static List<Rule> parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            String text = trimTrailingSpaces(line);
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            boolean negated = text.startsWith("!");
            if (negated) {
                text = text.substring(1);
            }
            boolean directoryOnly = text.endsWith("/");
            if (directoryOnly) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                continue;
            }
            // A slash at the start or in the middle anchors the pattern to its folder; otherwise it matches at any depth.
            boolean anchored = text.contains("/");
            if (text.startsWith("/")) {
                text = text.substring(1);
            }
            try {
                Pattern regex = Pattern.compile((anchored ? "" : "(?:.*/)?") + globToRegex(text));
                rules.add(new Rule(regex, negated, directoryOnly));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid pattern '" + line + "' in " + source + " ("
                        + e.getDescription() + "); fix or remove that line", e);
            }
        }
        return List.copyOf(rules);
    }

    /** Drops trailing spaces, except one escaped with a backslash (as git does). */
    private static String trimTrailingSpaces(String line) {
        int lastSpace = -1;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                if (lastSpace < 0) {
                    lastSpace = i;
                }
            } else {
                lastSpace = -1;
                if (c == '\\') {
                    i++; // the escaped character is kept, even a space
                }
            }
        }
        return lastSpace < 0 ? line : line.substring(0, lastSpace);
    }

    /**
     * Translates a glob over '/'-separated paths to a regex: {@code *} and {@code ?} stay within one folder, {@code [..]}
     * and {@code [!..]} are classes, a backslash escapes, and {@code **} as a whole segment spans any number of folders.
     */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    int start = i;
                    while (i + 1 < n && glob.charAt(i + 1) == '*') {
                        i++;
                    }
                    boolean wholeSegment = (start == 0 || glob.charAt(start - 1) == '/')
                            && (i + 1 == n || glob.charAt(i + 1) == '/');
                    if (i == start || !wholeSegment) {
                        regex.append("[^/]*");
                    } else if (i + 1 == n) {
                        regex.append(".*");
                    } else {
                        regex.append("(?:.*/)?");
                        i++; // the slash is part of "**/"
                    }
                }
                case '?' -> regex.append("[^/]");
                case '[' -> i = appendClass(glob, i, regex);
                // Like git, a trailing backslash escapes nothing and the pattern matches nothing.
                case '\\' -> regex.append(i + 1 < n ? quote(glob.charAt(++i)) : "(?!)");
                default -> regex.append(quote(c));
            }
        }
        return regex.toString();
    }

    /** Appends the class starting at {@code glob[open]} and returns the index of its ']'. */
    private static int appendClass(String glob, int open, StringBuilder regex) {
        int n = glob.length();
        int i = open + 1;
        boolean negated = i < n && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
        if (negated) {
            i++;
        }
        StringBuilder members = new StringBuilder();
        for (int first = i; i < n; i++) {
            char c = glob.charAt(i);
            if (c == ']' && i > first) {
                // Like git, a class never matches the folder separator.
                regex.append(negated ? "[^/" : "(?!/)[").append(members).append(']');
                return i;
            }
            int posixEnd = glob.startsWith("[:", i) ? glob.indexOf(":]", i + 2) : -1;
            if (posixEnd > 0 && POSIX_CLASSES.contains(glob.substring(i + 2, posixEnd))) {
                String name = glob.substring(i + 2, posixEnd);
                members.append("\\p{").append(Character.toUpperCase(name.charAt(0))).append(name.substring(1)).append('}');
                i = posixEnd + 1;
            } else if (c == '-' && i > first && i + 1 < n && glob.charAt(i + 1) != ']') {
                members.append('-');
            } else {
                members.append(quote(c == '\\' && i + 1 < n ? glob.charAt(++i) : c));
            }
        }
        // Like git, a pattern with an unclosed class matches nothing.
        regex.append("(?!)");
        return n - 1;
    }

    private static String quote(char c) {
        // Escaping any ASCII symbol is safe in a Java regex; letters, digits and non-ASCII stand for themselves.
        return c < 128 && !Character.isLetterOrDigit(c) ? "\\" + c : String.valueOf(c);
    }

    /** The '/'-separated path of {@code path} relative to {@code root}, "" for the root itself. */
    static String relativePath(Path root, Path path) {
        // A walk's paths are its root's, name by name: their text starts with the root's.
        String r = root.toString();
        String p = path.toString();
        if (p.equals(r)) return "";
        if (p.startsWith(r) && !r.isEmpty()) {
            if (r.endsWith("/")) return p.substring(r.length());
            if (p.charAt(r.length()) == '/') return p.substring(r.length() + 1);
        }
        StringBuilder relative = new StringBuilder();
        for (Path name : root.relativize(path)) {
            relative.append(relative.length() == 0 ? "" : "/").append(name);
        }
        return relative.toString();
    }
}
