package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A metric read from the output of the job's steps: {@code metrics: [{name: acc1, regex: 'Acc@1 ([0-9.]+)'}]}. The
 * regex's first group (or the whole match when it has none) is the value.
 */
public record MetricRule(String name, Pattern regex) {
    /** Reads the job file's {@code metrics:} list; {@code text} is the file, to name the line of a bad regex. */
    static List<MetricRule> parse(String file, String text, Object raw) {
        if (raw == null) return List.of();
        String where = file + ": ";
        if (!(raw instanceof List<?> entries)) {
            throw new InvalidSpecException(where + "metrics must be a list of {name: NAME, regex: REGEX}");
        }
        List<MetricRule> rules = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = where + "metrics[" + i + "]: ";
            if (!(entries.get(i) instanceof Map<?, ?> m)) throw new InvalidSpecException(at + "expected {name: NAME, regex: REGEX}");
            for (Object k : m.keySet()) {
                if (!List.of("name", "regex").contains(String.valueOf(k))) {
                    String hint = Suggest.closest(String.valueOf(k), List.of("name", "regex")).map(s -> " (did you mean '" + s + "'?)")
                            .orElse("; an entry is {name: NAME, regex: REGEX}");
                    throw new InvalidSpecException(at + "unknown key '" + JobFileParser.shown(String.valueOf(k)) + "'" + hint);
                }
            }
            if (!(m.get("name") instanceof String name) || name.isBlank()) throw new InvalidSpecException(at + "needs a 'name'");
            if (!(m.get("regex") instanceof String regex) || regex.isEmpty()) {
                throw new InvalidSpecException(at + "'" + JobFileParser.shown(name) + "' needs a 'regex' whose first group is the value");
            }
            if (JobFileText.firstControl(name) >= 0 || name.length() > 100) {
                throw new InvalidSpecException(at + "metric name '" + JobFileParser.shown(name) + "' must be one line of at most 100 characters");
            }
            if (rules.stream().anyMatch(r -> r.name().equals(name))) {
                throw new InvalidSpecException(at + "metric name '" + JobFileParser.shown(name) + "' is used twice");
            }
            try {
                rules.add(new MetricRule(name, Pattern.compile(regex)));
            } catch (PatternSyntaxException e) {
                throw new InvalidSpecException(file + lineOf(text, regex) + ": metrics[" + i + "] ('" + JobFileParser.shown(name)
                        + "'): the regex does not compile: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        return rules;
    }

    /** ":LINE" of the first line of the file that holds {@code needle}, or nothing. */
    private static String lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) return ":" + (i + 1);
        }
        return "";
    }
}
