package io.fastgpu.provider.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.Probing;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.transport.ssh.SshTransport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What only asking the fleet's hosts tells, for {@code ls}: the GPUs nvidia-smi sees, that a host does not answer, or
 * that a task's watchdog ended it there (idle, or past its deadline), which releases its claim.
 */
final class HostProbe implements Probing {
    private final Supplier<List<Fleet>> fleets;
    private final Function<Fleet.Host, SshTransport> admin;
    private final BiConsumer<Instance, String> fired;

    /**
     * @param fleets the fleets as they are now
     * @param admin  a connection to a host outside any task
     * @param fired  told of each claimed task whose watchdog ended it, and why
     */
    HostProbe(Supplier<List<Fleet>> fleets, Function<Fleet.Host, SshTransport> admin, BiConsumer<Instance, String> fired) {
        this.fleets = fleets;
        this.admin = admin;
        this.fired = fired;
    }

    /** Bash that prints {@code fired=WHY} when the watchdog of the task with folder {@code workdir} ended it. */
    static String firedCommand(String workdir) {
        return "grep -s -m1 '^fired=' \"$HOME\"/fastgpu/" + io.fastgpu.core.util.ShellQuote.quote(workdir)
                + "/" + io.fastgpu.core.runtime.Watchdog.DIR + "/status; true";
    }

    /** The reason in {@link #firedCommand}'s output, if any. */
    static Optional<String> firedReason(String output) {
        return output.lines().filter(l -> l.startsWith("fired=")).map(l -> l.substring(6).strip()).findFirst();
    }

    /** The claimed hosts as they answer now: GPUs seen by nvidia-smi, or unreachable. */
    @Override
    public List<Instance> probe(List<Instance> instances) {
        List<Fleet.Host> hosts = new ArrayList<>();
        List<Fleet> fleets = this.fleets.get();
        for (Instance i : instances) hosts.add(hostOf(i, fleets));
        List<Instance> result = new ArrayList<>();
        List<Integer> order = java.util.stream.IntStream.range(0, instances.size()).boxed().toList();
        List<String[]> facts = Parallel.all("probe hosts", order, n -> hosts.get(n) == null ? "?" : hosts.get(n).display(),
                n -> hosts.get(n) == null ? null : facts(hosts.get(n), workdirOf(instances.get(n), hosts.get(n))));
        for (int i = 0; i < instances.size(); i++) {
            Instance inst = instances.get(i);
            String[] fact = facts.get(i);
            if (fact == null) {
                result.add(inst);
            } else if (fact[0] == null) {
                result.add(inst.withState(InstanceState.UNREACHABLE));
            } else if (fact[1] != null) {
                fired.accept(inst, fact[1]);
                result.add(inst.withState(InstanceState.TERMINATED)); // its claim is released
            } else {
                result.add(new Instance(inst.id(), inst.name(), SshProvider.NAME, inst.state(), inst.instanceType(),
                        fact[0].isEmpty() ? inst.gpu() : fact[0], inst.publicIp(), inst.privateIp(), inst.createdAt(), inst.tags()));
            }
        }
        return result;
    }

    /**
     * The host an instance of {@link SshProvider#list} stands for, as its fleet lists it: one machine may be in several
     * fleets with different users or keys, and only its own fleet's way in says whether it answers.
     */
    private static Fleet.Host hostOf(Instance i, List<Fleet> fleets) {
        String fleet = i.tags().get(Tags.FLEET);
        return fleets.stream().filter(f -> f.name().equals(fleet)).flatMap(f -> f.hosts().stream())
                .filter(h -> i.id().equals("ssh-" + h.id()) || i.id().startsWith("ssh-" + h.id() + "--"))
                .max(Comparator.comparingInt(h -> h.id().length()))
                .orElseGet(() -> fleets.stream().flatMap(f -> f.hosts().stream())
                        .filter(h -> h.host().equals(i.privateIp())).findFirst().orElse(null));
    }

    /** The task folder of a claimed instance on {@code h}, or null for a free host. */
    private static String workdirOf(Instance i, Fleet.Host h) {
        String prefix = "ssh-" + h.id() + "--";
        return i.id().startsWith(prefix) ? i.id().substring(prefix.length()) : null;
    }

    /**
     * {GPU description or "" when nvidia-smi is absent, why the task's watchdog ended it or null}, or {null, null}
     * when the host does not answer.
     */
    private String[] facts(Fleet.Host h, String workdir) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            admin.apply(h).exec("nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || true"
                    + (workdir == null ? "" : "\n" + firedCommand(workdir)), sinkOf(out), Duration.ofSeconds(15));
            String text = out.toString(StandardCharsets.UTF_8);
            Map<String, Long> names = text.lines().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("fired="))
                    .map(s -> s.replaceFirst("^(NVIDIA|Tesla) ", "")).collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
            return new String[]{names.entrySet().stream().map(e -> e.getKey() + " x " + e.getValue()).collect(Collectors.joining(", ")),
                    workdir == null ? null : firedReason(text).orElse(null)};
        } catch (FastGpuException e) {
            return new String[]{null, null};
        }
    }

    static OutputSink sinkOf(ByteArrayOutputStream out) {
        return new OutputSink() {
            @Override public void stdout(byte[] b, int n) { synchronized (out) { out.write(b, 0, n); } }
            @Override public void stderr(byte[] b, int n) { }
        };
    }
}
