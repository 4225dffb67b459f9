package io.fastgpu.core.state;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Real file systems that fail the way a user's can: a tiny one that fills up, a file that cannot be written. Each
 * is undone by {@link Mount#close()}. Where this machine cannot make one (not Linux, not root, no right to mount),
 * the test is skipped with the reason.
 */
final class TestMounts {
    private TestMounts() { }

    /** Undoes a mount. */
    interface Mount extends AutoCloseable {
        @Override
        void close() throws IOException, InterruptedException;
    }

    /** Mounts an empty tmpfs of {@code size} (such as {@code 256k}) on the existing folder {@code dir}. */
    static Mount tmpfs(Path dir, String size) throws IOException, InterruptedException {
        requireRoot("a tmpfs");
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        Assumptions.assumeTrue(failure == null, () -> "cannot mount a tmpfs on " + dir + ": " + failure);
        return () -> unmount(dir);
    }

    /**
     * Makes {@code file} one that this process cannot write (it can still create files beside it): a read-only
     * bind mount of the file as root, whom file permissions do not stop, or no write permission otherwise.
     */
    static Mount readOnly(Path file) throws IOException, InterruptedException {
        if (!isRoot()) {
            Set<PosixFilePermission> before = Files.getPosixFilePermissions(file);
            Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ));
            return () -> Files.setPosixFilePermissions(file, before);
        }
        String bind = run("mount", "--bind", file.toString(), file.toString());
        Assumptions.assumeTrue(bind == null, () -> "cannot bind-mount " + file + ": " + bind);
        String remount = run("mount", "-o", "remount,ro,bind", file.toString());
        if (remount != null) {
            unmount(file);
            Assumptions.abort("cannot make the bind mount of " + file + " read-only: " + remount);
        }
        return () -> unmount(file);
    }

    private static void requireRoot(String what) throws IOException {
        int uid = uid();
        Assumptions.assumeTrue(uid == 0, () -> "mounting " + what + " needs root; this test runs as uid " + uid);
    }

    private static boolean isRoot() throws IOException {
        return uid() == 0;
    }

    private static int uid() throws IOException {
        Path self = Path.of("/proc/self");
        Assumptions.assumeTrue(Files.exists(self), "needs Linux (/proc/self)");
        return (Integer) Files.getAttribute(self, "unix:uid");
    }

    private static void unmount(Path target) throws IOException, InterruptedException {
        if (run("umount", target.toString()) != null) {
            String lazy = run("umount", "-l", target.toString());
            if (lazy != null) throw new IOException("cannot unmount " + target + ": " + lazy);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command[0] + " did not finish in 30 s";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    }
}
