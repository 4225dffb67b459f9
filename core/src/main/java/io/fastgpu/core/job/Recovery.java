package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a managed run does when it loses a machine or a rank fails: the job file's {@code recovery:} mapping.
 *
 * <pre>
 * recovery:
 *   on: [preemption, node-lost]
 *   exit: [137]
 *   max_restarts: 5
 *   checkpoint_dir: ckpt
 * </pre>
 *
 * @param on            the losses that are recovered
 * @param exitCodes     rank exit codes that are recovered as well
 * @param maxRestarts   how many times the run may be restarted before it ends failed
 * @param checkpointDir folder relative to the task's run folder, kept across restarts; empty when none
 */
public record Recovery(Set<Trigger> on, Set<Integer> exitCodes, int maxRestarts, String checkpointDir) {
    /** No recovery: a lost machine or failed rank ends the run. */
    public static final Recovery NONE = new Recovery(Set.of(), Set.of(), 0, "");

    public Recovery {
        on = on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
        exitCodes = Set.copyOf(exitCodes);
    }

    /** Whether anything is recovered at all. */
    public boolean enabled() { return maxRestarts > 0 && (!on.isEmpty() || !exitCodes.isEmpty()); }

    /** A loss a run can recover from. */
    public enum Trigger {
        /** The cloud took a spot instance back (or announced it would). */
        PREEMPTION,
        /** A machine stopped answering for longer than the grace period. */
        NODE_LOST;

        public String label() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        static Trigger parse(String where, Object value) {
            String text = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
            for (Trigger t : values()) {
                if (t.label().equals(text)) return t;
            }
            List<String> known = List.of("preemption", "node-lost");
            String hint = Suggest.closest(text, known).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException(where + "recovery.on: unknown trigger '" + JobFileParser.shown(text) + "'" + hint
                    + "; known: preemption, node-lost (rank exit codes go in recovery.exit)");
        }
    }

    /** Reads the {@code recovery:} value of the job file at {@code where} ("FILE: "); null gives {@link #NONE}. */
    static Recovery parse(String where, Object raw) {
        if (raw == null) return NONE;
        if (!(raw instanceof Map<?, ?> m)) {
            throw new InvalidSpecException(where + "recovery must be a mapping {on: [preemption, node-lost], max_restarts: N,"
                    + " checkpoint_dir: DIR}");
        }
        List<String> keys = List.of("on", "exit", "max_restarts", "checkpoint_dir");
        for (Object k : m.keySet()) {
            if (!keys.contains(String.valueOf(k))) {
                String hint = Suggest.closest(String.valueOf(k), keys).map(s -> " (did you mean '" + s + "'?)")
                        .orElse("; known keys: " + String.join(", ", keys));
                throw new InvalidSpecException(where + "recovery: unknown key '" + JobFileParser.shown(String.valueOf(k)) + "'" + hint);
            }
        }
        Set<Trigger> on = EnumSet.noneOf(Trigger.class);
        for (Object o : list(m.get("on"))) on.add(Trigger.parse(where, o));
        Set<Integer> exit = new LinkedHashSet<>();
        for (Object o : list(m.get("exit"))) {
            if (!(o instanceof Integer code) || code < 1 || code > 255) {
                throw new InvalidSpecException(where + "recovery.exit: '" + JobFileParser.shown(String.valueOf(o))
                        + "' is not an exit code; list whole numbers 1..255, e.g. exit: [137]");
            }
            exit.add(code);
        }
        Object max = m.containsKey("max_restarts") ? m.get("max_restarts") : 3;
        if (!(max instanceof Integer restarts) || restarts < 0 || restarts > 1000) {
            throw new InvalidSpecException(where + "recovery.max_restarts must be a whole number 0..1000, was '"
                    + JobFileParser.shown(String.valueOf(max)) + "'");
        }
        String dir = m.get("checkpoint_dir") == null ? "" : String.valueOf(m.get("checkpoint_dir")).strip();
        if (dir.startsWith("/") || List.of(dir.split("/")).contains("..") || JobFileText.firstControl(dir) >= 0) {
            throw new InvalidSpecException(where + "recovery.checkpoint_dir '" + JobFileParser.shown(dir)
                    + "' must be a folder inside the task's run folder (relative, without '..')");
        }
        if (on.isEmpty() && exit.isEmpty()) {
            throw new InvalidSpecException(where + "recovery needs 'on' (preemption, node-lost) or 'exit' (rank exit codes)");
        }
        return new Recovery(on, exit, restarts, dir);
    }

    private static List<Object> list(Object value) {
        if (value == null) return List.of();
        if (value instanceof List<?> l) return new ArrayList<>(l);
        return List.of(value);
    }
}
