package io.fastgpu.core.runtime;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The naming rule of job machines: {@code task{i}.{job}}. */
public final class TaskNames {
    private static final Pattern TASK = Pattern.compile("task(\\d+)\\.([a-z0-9-]+)");

    private TaskNames() { }

    public static String of(int index, String job) { return "task" + index + "." + job; }

    /** The job a machine belongs to, when its name follows the rule. */
    public static Optional<String> jobOf(String instanceName) {
        Matcher m = TASK.matcher(instanceName);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The short form shown as an output prefix: {@code task0} for {@code task0.gtc-demo}. */
    public static String shortName(String instanceName) {
        int dot = instanceName.indexOf('.');
        return dot > 0 ? instanceName.substring(0, dot) : instanceName;
    }
}
