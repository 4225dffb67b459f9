package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.util.Suggest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves what the user names on the command line: an instance name, or {@code {job}} for every instance of
 * that job ({@code {gtc-demo}} is task0.gtc-demo, task1.gtc-demo, ...). Where no job has that name exactly,
 * {@code {suffix}} stands for the instances whose names end with it, as long as they are all of one job.
 */
final class InstanceSelector {
    /** An instance and the provider that knows it. */
    record Selected(Provider provider, Instance instance) { }

    private static final Pattern TASK_NAME = Pattern.compile("task\\d+\\.(.+)");

    private InstanceSelector() { }

    static List<Selected> all(FastGpu fg) {
        return all(fg, new ArrayList<>());
    }

    /**
     * Every instance of every configured backend. A backend that cannot answer (a cloud out of reach) adds
     * "backend: why" to {@code unreachable} instead of failing the others.
     */
    static List<Selected> all(FastGpu fg, List<String> unreachable) {
        List<Selected> result = new ArrayList<>();
        for (String name : fg.providers().names()) {
            Provider p = fg.provider(name);
            if (!p.configured()) continue;
            try {
                for (Instance i : p.list()) result.add(new Selected(p, i));
            } catch (FastGpuException e) {
                unreachable.add(name + ": " + e.getMessage());
            }
        }
        return result;
    }

    static List<Selected> select(FastGpu fg, String spec) {
        List<String> unreachable = new ArrayList<>();
        List<Selected> all = all(fg, unreachable);
        String also = unreachable.isEmpty() ? "" : " (not asked: " + String.join("; ", unreachable) + ")";
        List<Selected> found;
        if (spec.startsWith("{") && spec.endsWith("}") && spec.length() > 2) {
            String suffix = spec.substring(1, spec.length() - 1);
            // {demo} is the job demo when there is one, not also gtc-demo, whose names end the same way.
            found = all.stream().filter(s -> jobOf(s.instance().name()).equals(suffix)).toList();
            if (found.isEmpty()) {
                found = all.stream().filter(s -> s.instance().name().endsWith(suffix)).toList();
            }
            if (found.isEmpty()) {
                throw new NotFoundException("no instance name ends with '" + suffix + "'; 'fastgpu ls --stop' lists them all" + also);
            }
            Set<String> jobs = found.stream().map(s -> jobOf(s.instance().name())).collect(Collectors.toCollection(TreeSet::new));
            if (jobs.size() > 1) {
                throw new InvalidSpecException("'" + spec + "' is no job's name, and the instances of " + jobs.size()
                        + " jobs end with it: " + listed(found) + "; name one job, e.g. {" + jobs.iterator().next() + "}");
            }
        } else {
            found = all.stream().filter(s -> s.instance().name().equals(spec)).toList();
            if (found.isEmpty()) {
                String hint = Suggest.closest(spec, all.stream().map(s -> s.instance().name()).toList())
                        .map(n -> " (did you mean '" + n + "'?)").orElse("");
                throw new NotFoundException("no instance named '" + spec + "'" + hint + "; 'fastgpu ls --stop' lists them all" + also);
            }
        }
        return found;
    }

    /** The job an instance belongs to: {@code gtc-demo} for {@code task1.gtc-demo}; a name of another form is its own. */
    static String jobOf(String instanceName) {
        Matcher m = TASK_NAME.matcher(instanceName);
        return m.matches() ? m.group(1) : instanceName;
    }

    private static String listed(List<Selected> found) {
        List<String> names = found.stream().map(s -> s.instance().name()).sorted().toList();
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 10)) + " and " + (names.size() - 10) + " more";
    }

    static Selected one(FastGpu fg, String spec) {
        List<Selected> found = select(fg, spec);
        if (found.size() > 1) {
            throw new NotFoundException("'" + spec + "' matches " + found.size() + " instances; name one of them");
        }
        return found.get(0);
    }
}
