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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** What only asking the fleet's hosts tells, for {@code ls}: the GPUs nvidia-smi sees, or that a host does not answer. */
final class HostProbe implements Probing {
    private final Supplier<List<Fleet>> fleets;
    private final Function<Fleet.Host, SshTransport> admin;

    /**
     * @param fleets the fleets as they are now
     * @param admin  a connection to a host outside any task
     */
    HostProbe(Supplier<List<Fleet>> fleets, Function<Fleet.Host, SshTransport> admin) {
        this.fleets = fleets;
        this.admin = admin;
    }

    /** The claimed hosts as they answer now: GPUs seen by nvidia-smi, or unreachable. */
    @Override
    public List<Instance> probe(List<Instance> instances) {
        List<Fleet.Host> hosts = new ArrayList<>();
        List<Fleet> fleets = this.fleets.get();
        for (Instance i : instances) hosts.add(hostOf(i, fleets));
        List<Instance> result = new ArrayList<>();
        List<String[]> facts = Parallel.all("probe hosts", hosts, h -> h == null ? "?" : h.display(),
                h -> h == null ? null : gpuFacts(h));
        for (int i = 0; i < instances.size(); i++) {
            Instance inst = instances.get(i);
            String[] fact = facts.get(i);
            if (fact == null) {
                result.add(inst);
            } else if (fact[0] == null) {
                result.add(inst.withState(InstanceState.UNREACHABLE));
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

    /** {GPU description or "" when nvidia-smi is absent}, or {null} when the host does not answer. */
    private String[] gpuFacts(Fleet.Host h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            admin.apply(h).exec("nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || true", sinkOf(out), Duration.ofSeconds(15));
            Map<String, Long> names = out.toString(StandardCharsets.UTF_8).lines().map(String::strip).filter(s -> !s.isEmpty())
                    .map(s -> s.replaceFirst("^(NVIDIA|Tesla) ", "")).collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
            return new String[]{names.entrySet().stream().map(e -> e.getKey() + " x " + e.getValue()).collect(Collectors.joining(", "))};
        } catch (FastGpuException e) {
            return new String[]{null};
        }
    }

    static OutputSink sinkOf(ByteArrayOutputStream out) {
        return new OutputSink() {
            @Override public void stdout(byte[] b, int n) { synchronized (out) { out.write(b, 0, n); } }
            @Override public void stderr(byte[] b, int n) { }
        };
    }
}
