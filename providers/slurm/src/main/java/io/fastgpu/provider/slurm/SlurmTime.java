package io.fastgpu.provider.slurm;

import java.time.Duration;
import java.util.Optional;

/** Slurm's time limits and times left: {@code minutes}, {@code m:s}, {@code h:m:s}, {@code d-h}, {@code d-h:m}, {@code d-h:m:s}. */
final class SlurmTime {
    private SlurmTime() { }

    /** The duration, or empty for {@code UNLIMITED}, {@code INVALID}, {@code NOT_SET} and other words. */
    static Optional<Duration> parse(String text) {
        if (text == null) return Optional.empty();
        String t = text.strip();
        if (!t.matches("\\d+(-\\d+)?(:\\d+){0,2}")) return Optional.empty();
        long days = 0;
        int dash = t.indexOf('-');
        String rest = t;
        if (dash >= 0) {
            days = Long.parseLong(t.substring(0, dash));
            rest = t.substring(dash + 1);
        }
        String[] p = rest.split(":");
        long seconds;
        if (dash >= 0) {
            // d-h, d-h:m, d-h:m:s
            seconds = Long.parseLong(p[0]) * 3600 + (p.length > 1 ? Long.parseLong(p[1]) * 60 : 0)
                    + (p.length > 2 ? Long.parseLong(p[2]) : 0);
        } else if (p.length == 1) {
            seconds = Long.parseLong(p[0]) * 60;
        } else if (p.length == 2) {
            seconds = Long.parseLong(p[0]) * 60 + Long.parseLong(p[1]);
        } else {
            seconds = Long.parseLong(p[0]) * 3600 + Long.parseLong(p[1]) * 60 + Long.parseLong(p[2]);
        }
        return Optional.of(Duration.ofSeconds(days * 86400 + seconds));
    }

    /** Whether {@code text} is a time limit sbatch accepts. */
    static boolean valid(String text) { return parse(text).isPresent(); }
}
