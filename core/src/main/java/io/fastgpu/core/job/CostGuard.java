package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.DurationText;
import io.fastgpu.core.util.Suggest;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The job file's limits on what a job may cost: {@code autostop:}, {@code max_cost:} and {@code max_duration:}.
 *
 * @param autostop    when an idle machine stops itself
 * @param maxCost     the most the job may spend, in the price table's currency; null for no cap
 * @param maxDuration the longest the job's machines may run; null for no limit
 */
public record CostGuard(Autostop autostop, Double maxCost, Duration maxDuration) {
    /** Nothing stated: the backend's default autostop, no cap. */
    public static final CostGuard DEFAULT = new CostGuard(Autostop.DEFAULT, null, null);

    /**
     * Idle autostop. {@code autostop: 30m}, {@code autostop: off}, or {@code autostop: {idle: 30m, down: true}}.
     *
     * @param mode whether the file says on, off, or nothing (then the backend decides)
     * @param idle how long a machine must be idle before it stops itself; null unless {@code mode} is ON
     * @param down release the machine instead of stopping it
     */
    public record Autostop(Mode mode, Duration idle, boolean down) {
        public static final Autostop DEFAULT = new Autostop(Mode.DEFAULT, null, false);
        public static final Autostop OFF = new Autostop(Mode.OFF, null, false);

        /** Whether the job file turned autostop on, off, or left it to the backend. */
        public enum Mode { DEFAULT, ON, OFF }
    }

    static CostGuard parse(String where, Object autostop, Object maxCost, Object maxDuration) {
        return new CostGuard(autostop(where, autostop), money(where, maxCost), duration(where + "max_duration", maxDuration));
    }

    private static Autostop autostop(String where, Object raw) {
        if (raw == null) return Autostop.DEFAULT;
        // YAML 1.1 reads a bare off/no/false as false, on/yes/true as true.
        if (raw instanceof Boolean b) return b ? new Autostop(Autostop.Mode.DEFAULT, null, false) : Autostop.OFF;
        if (raw instanceof String s && s.strip().equalsIgnoreCase("off")) return Autostop.OFF;
        if (raw instanceof Map<?, ?> m) {
            List<String> keys = List.of("idle", "down");
            for (Object k : m.keySet()) {
                if (!keys.contains(String.valueOf(k))) {
                    String hint = Suggest.closest(String.valueOf(k), keys).map(x -> " (did you mean '" + x + "'?)")
                            .orElse("; known keys: idle, down");
                    throw new InvalidSpecException(where + "autostop: unknown key '" + JobFileParser.shown(String.valueOf(k)) + "'" + hint);
                }
            }
            Object down = m.get("down");
            if (down != null && !(down instanceof Boolean)) {
                throw new InvalidSpecException(where + "autostop.down must be true or false, was '" + JobFileParser.shown(String.valueOf(down)) + "'");
            }
            Duration idle = m.get("idle") == null ? null : duration(where + "autostop.idle", m.get("idle"));
            return new Autostop(idle == null ? Autostop.Mode.DEFAULT : Autostop.Mode.ON, idle, Boolean.TRUE.equals(down));
        }
        return new Autostop(Autostop.Mode.ON, duration(where + "autostop", raw), false);
    }

    private static Double money(String where, Object raw) {
        if (raw == null) return null;
        double value;
        if (raw instanceof Number n) {
            value = n.doubleValue();
        } else {
            try {
                value = Double.parseDouble(String.valueOf(raw).strip());
            } catch (NumberFormatException e) {
                throw new InvalidSpecException(where + "max_cost must be an amount of money such as 5.00, was '"
                        + JobFileParser.shown(String.valueOf(raw)) + "'");
            }
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidSpecException(where + "max_cost must be more than 0, was '" + JobFileParser.shown(String.valueOf(raw)) + "'");
        }
        return value;
    }

    private static Duration duration(String where, Object raw) {
        if (raw == null) return null;
        if (raw instanceof Number) {
            throw new InvalidSpecException(where + ": '" + raw + "' has no unit; write e.g. 90s, 30m, 6h");
        }
        try {
            return DurationText.parse(String.valueOf(raw));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(where + ": " + JobFileParser.shown(e.getMessage()));
        }
    }
}
