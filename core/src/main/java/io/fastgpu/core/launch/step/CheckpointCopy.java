package io.fastgpu.core.launch.step;

import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.core.util.ShellQuote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The controller's copy of a managed run's checkpoint folder, for machines that do not share one: pulled from
 * task0 while training runs, pushed (only what changed, as uploads go) to a machine that replaced a lost one.
 * The copy is {@code <copy>/<last segment of the folder>}, replaced whole on each pull.
 */
final class CheckpointCopy {
    private static final Pattern NUMBERED = Pattern.compile("(epoch|step|iter|ckpt|checkpoint)[-_ ]?(\\d+)", Pattern.CASE_INSENSITIVE);

    private CheckpointCopy() { }

    /** Brings task0's checkpoint folder {@code dir} to the controller's copy {@code copy}. */
    static synchronized void pull(TaskRuntime task0, String dir, Path copy) {
        String name = dir.substring(dir.lastIndexOf('/') + 1);
        try {
            Files.createDirectories(copy);
            Path fresh = copy.resolve("." + name + ".new");
            deleteTree(fresh);
            // A snapshot on task0 first: training renames files in the folder while it is copied. Names that start
            // with '.' (a checkpoint being written, before its rename) are left out.
            String snap = dir + "/../." + name + ".fastgpu-snapshot";
            var r = task0.runRaw("s=" + ShellQuote.quote(snap) + "; rm -rf \"$s\" && mkdir -p \"$s\" && cd " + ShellQuote.quote(dir)
                    + " && { cp -rp -- * \"$s\"/ 2>/dev/null; true; }");
            if (r.exitCode() != 0) throw new IllegalStateException("could not snapshot " + dir + ": " + r.stderr().strip());
            task0.download(snap, fresh);
            Path target = copy.resolve(name);
            Path old = copy.resolve("." + name + ".old");
            deleteTree(old);
            if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends the controller's copy to each of {@code tasks}, into its checkpoint folder {@code dirOf(task)} (all of
     * the same name); nothing when there is no copy yet.
     */
    static synchronized void push(List<TaskRuntime> tasks, Function<TaskRuntime, String> dirOf, Path copy) {
        if (tasks.isEmpty()) return;
        String first = dirOf.apply(tasks.get(0));
        String name = first.substring(first.lastIndexOf('/') + 1);
        Path folder = copy.resolve(name);
        if (!Files.isDirectory(folder) || isEmpty(folder)) return;
        FileSelection.Selection sel = FileSelection.select(copy, name);
        Parallel.all("bring the checkpoint", tasks, TaskRuntime::name, t -> {
            String dir = dirOf.apply(t);
            t.upload(sel, dir.substring(0, dir.lastIndexOf('/')) + "/", false);
            return null;
        });
    }

    /**
     * The newest checkpoint in {@code dir} on {@code task} ({@code epoch 7} for {@code epoch-7.pt}, else its file
     * name), leaving out {@code latest}; empty when there is none.
     */
    static String newest(TaskRuntime task, String dir) {
        // Newest first; a copied file keeps only whole seconds, so among numbered ones the highest number wins.
        var r = task.runRaw("cd " + ShellQuote.quote(dir) + " 2>/dev/null && ls -1t | grep -v -e '^latest' -e '^\\.'");
        List<String> files = r.stdout().lines().map(String::strip).filter(f -> !f.isEmpty()).toList();
        if (files.isEmpty()) return "";
        String best = null;
        long highest = -1;
        for (String f : files) {
            Matcher m = NUMBERED.matcher(f);
            if (m.find() && m.group(2).length() < 18 && Long.parseLong(m.group(2)) > highest) {
                highest = Long.parseLong(m.group(2));
                best = m.group(1).toLowerCase(java.util.Locale.ROOT) + " " + highest;
            }
        }
        return best != null ? best : files.get(0);
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
