package io.fastgpu.core.util;

/** The one place strings become shell words. */
public final class ShellQuote {
    private ShellQuote() { }

    /** Quotes {@code s} as a single POSIX shell word. */
    public static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    /** True for a valid environment variable name. */
    public static boolean isEnvName(String name) {
        return name != null && name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }
}
