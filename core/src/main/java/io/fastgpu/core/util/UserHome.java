package io.fastgpu.core.util;

import java.nio.file.Path;
import java.util.Map;

/**
 * The user's home folder, where {@code ~} points: {@code $HOME} first, as a shell expands it, so that
 * {@code HOME=/x fastgpu ls} reads {@code /x/.fastgpu}; the JVM's {@code user.home} only when HOME is unset.
 */
public final class UserHome {
    private UserHome() { }

    /** The home of this process's user. */
    public static Path get() { return from(Map.of()); }

    /** The home named by {@code HOME} in {@code env} (settings a provider was given), else {@link #get()}. */
    public static Path from(Map<String, String> env) {
        String home = env.get("HOME");
        if (home == null || home.isBlank()) home = System.getenv("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home).toAbsolutePath();
    }

    /** {@code path} with a leading {@code ~/} (or a lone {@code ~}) replaced by {@code home}. */
    public static String expand(String path, Path home) {
        if (path.equals("~")) return home.toString();
        return path.startsWith("~/") ? home.resolve(path.substring(2)).toString() : path;
    }
}
