package io.fastgpu.core.files;

import io.fastgpu.core.files.FileSelection.Selection;
import io.fastgpu.core.files.FileSelection.Skipped;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/** One walk of a folder tree, collecting the selected entries. */
final class TreeWalk extends SimpleFileVisitor<Path> {
    /** A folder being walked: whether it is selected, and how many selected entries it holds so far. */
    private static final class Folder {
        final boolean selected;
        int entries;

        Folder(boolean selected) {
            this.selected = selected;
        }
    }

    private final Path root;
    private final String prefix;
    private final Predicate<String> matches;
    private final int maxDepth;
    private final IgnoreRules rules;
    private final Deque<Folder> folders = new ArrayDeque<>();
    private final List<FileCopy> files = new ArrayList<>();
    private final List<String> emptyDirs = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private int ignored;

    /**
     * @param prefix       prepended to every destination path ("" for none)
     * @param rootSelected whether the whole root is selected (a folder) rather than the entries {@code matches}
     * @param matches      whether an entry (relative to the root) is selected; so is everything under a selected folder
     * @param maxDepth     how deep unselected folders are searched for matches
     */
    TreeWalk(Path root, String prefix, boolean rootSelected, Predicate<String> matches, int maxDepth) {
        this.root = realIfLink(root);
        this.prefix = prefix;
        this.matches = matches;
        this.maxDepth = maxDepth;
        this.rules = IgnoreRules.forRoot(this.root);
        folders.push(new Folder(rootSelected));
    }

    Selection run() {
        try {
            Files.walkFileTree(root, this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage() + "; check its permissions", e);
        }
        files.sort(Comparator.comparing(FileCopy::relative));
        emptyDirs.sort(Comparator.naturalOrder());
        skipped.sort(Comparator.comparing(Skipped::local));
        return new Selection(files, emptyDirs, ignored, false, skipped);
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String relative = relative(dir);
        if (relative.isEmpty()) {
            return FileVisitResult.CONTINUE;
        }
        if (leftOut(relative, true)) {
            return FileVisitResult.SKIP_SUBTREE;
        }
        folders.push(new Folder(selected(relative)));
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
            throw e;
        }
        Folder folder = folders.pop();
        if (!folder.selected) {
            return FileVisitResult.CONTINUE;
        }
        String destination = destination(relative(dir));
        if (folder.entries == 0 && !destination.isEmpty()) {
            emptyDirs.add(destination);
        }
        // Creating a listed empty folder creates its parent too, so the parent is not empty either.
        if (!folders.isEmpty()) {
            folders.peek().entries++;
        }
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String relative = relative(file);
        if (leftOut(relative, false)) {
            return FileVisitResult.CONTINUE;
        }
        // Links are followed: links to folders, broken links and special files are left out. A plain file's own
        // attributes, read by the walk, give its size and time without asking the file system again.
        BasicFileAttributes target = attrs;
        if (!attrs.isRegularFile()) {
            try {
                target = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (IOException e) {
                target = null;
            }
        }
        if (target == null || !target.isRegularFile()) {
            ignored++;
            skipped.add(new Skipped(file, whySkipped(file, attrs)));
            return FileVisitResult.CONTINUE;
        }
        files.add(new FileCopy(file, destination(relative), target.size(), target.lastModifiedTime().toMillis()));
        folders.peek().entries++;
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
        String relative = relative(file);
        if (!relative.isEmpty() && leftOut(relative, Files.isDirectory(file))) {
            return FileVisitResult.CONTINUE;
        }
        throw new UncheckedIOException("cannot read " + file + " (" + e.getMessage() + ") while listing the upload; "
                + "fix its permissions or list it in .gitignore or .fastgpuignore", e);
    }

    /** Whether the entry is neither copied nor searched, counting it as ignored when it would have been copied. */
    private boolean leftOut(String relative, boolean directory) {
        boolean selected = selected(relative);
        if (!selected && (!directory || relative.split("/").length >= maxDepth)) {
            return true;
        }
        // The walk enters no ignored folder: the entry's folders are decided already.
        if (rules.isIgnoredInside(relative, directory)) {
            ignored += selected ? 1 : 0;
            return true;
        }
        return false;
    }

    /** What a walked entry that is not a regular file (nor a link to one) is, and what to do about it. */
    private static String whySkipped(Path file, BasicFileAttributes attrs) {
        if (!attrs.isSymbolicLink()) {
            return "a special file (a pipe, socket or device), not a regular file";
        }
        String target;
        try {
            target = Files.readSymbolicLink(file).toString();
        } catch (IOException e) {
            target = "?";
        }
        try {
            Path real = file.toRealPath();
            return Files.isDirectory(real)
                    ? "a link to a folder (" + target + "); links to folders are not followed: upload it as "
                            + "{from: " + real + ", to: ...}"
                    : "a link to a special file (" + target + "), not a regular file";
        } catch (NoSuchFileException e) {
            return "a dangling link (to " + target + ", which does not exist)";
        } catch (FileSystemException e) {
            String why = String.valueOf(e.getReason());
            return why.toLowerCase(java.util.Locale.ROOT).contains("symbolic link")
                    ? "a link that loops (" + target + ")"
                    : "a link that cannot be followed (" + target + ": " + why + ")";
        } catch (IOException e) {
            return "a link that cannot be followed (" + target + ": " + e.getMessage() + ")";
        }
    }

    /** The walk does not follow links, so a root given as a link must be resolved to be walked at all. */
    private static Path realIfLink(Path root) {
        try {
            return Files.isSymbolicLink(root) ? root.toRealPath() : root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the link " + root + ": " + e.getMessage()
                    + "; check its target exists", e);
        }
    }

    private boolean selected(String relative) {
        return folders.peek().selected || matches.test(relative);
    }

    private String relative(Path path) {
        return IgnoreRules.relativePath(root, path);
    }

    private String destination(String relative) {
        return prefix.isEmpty() ? relative : relative.isEmpty() ? prefix : prefix + "/" + relative;
    }
}
