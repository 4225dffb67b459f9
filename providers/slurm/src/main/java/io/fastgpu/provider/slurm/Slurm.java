package io.fastgpu.provider.slurm;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.core.util.ShellQuote;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Slurm's commands on a cluster's login node, and what their output means. */
final class Slurm {
    private static final Duration QUICK = Duration.ofSeconds(60);
    /** squeue's fields, separated by a character no field holds; the comment last. */
    private static final String QUEUE_FORMAT = "%i\u001f%T\u001f%r\u001f%N\u001f%L\u001f%V\u001f%P\u001f%b\u001f%k";

    private final Cluster cluster;
    private final Transport login;

    Slurm(Cluster cluster, Transport login) {
        this.cluster = cluster;
        this.login = login;
    }

    Cluster cluster() { return cluster; }

    Transport login() { return login; }

    /** The environment line that points Slurm's commands at the cluster's configuration, if the file names one. */
    String env() { return cluster.slurmConf().isEmpty() ? "" : "export SLURM_CONF=" + ShellQuote.quote(cluster.slurmConf()) + "\n"; }

    record Result(int rc, String out, String err) { }

    Result run(String command, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = login.exec(env() + command, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { err.write(b, 0, n); }
        }, timeout);
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a Slurm command that must succeed; its failure is one line saying why. */
    String must(String what, String command) {
        Result r = run(command, QUICK);
        if (r.rc() != 0) throw failure(what, r);
        return r.out();
    }

    /** Slurm's complaint as one line, with what to do where the cause is known. */
    FastGpuException failure(String what, Result r) {
        String err = r.err().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.contains("pmix")).reduce((a, b) -> a + "; " + b)
                .orElse("exit code " + r.rc());
        String lower = err.toLowerCase(java.util.Locale.ROOT);
        String where = "cluster '" + cluster.name() + "' (" + cluster.where() + ")";
        if (lower.contains("munge")) {
            return new FastGpuException(what + " failed on " + where + ": munge is not running there, so Slurm cannot"
                    + " authenticate (" + err + "); start munged (systemctl start munge), then retry");
        }
        if (r.rc() == 127 || lower.contains("command not found")) {
            return new FastGpuException(what + " failed on " + where + ": Slurm's commands are not installed there (" + err + ")");
        }
        if (lower.contains("unable to contact slurm controller") || lower.contains("connection refused")
                || lower.contains("could not establish a configuration source")) {
            return new FastGpuException(what + " failed on " + where + ": the Slurm controller does not answer (" + err
                    + "); check that slurmctld runs ('scontrol ping')");
        }
        return new FastGpuException(what + " failed on " + where + ": " + err);
    }

    /** FastGPU's allocations of this user (pending, running, ending), oldest first. */
    List<Allocation> allocations() {
        return parseQueue(must("listing the queue", "squeue --me -h -t all -o " + ShellQuote.quote(QUEUE_FORMAT)));
    }

    /** The allocation {@code jobId} while Slurm still knows it (it forgets ended ones after a while). */
    Optional<Allocation> allocation(String jobId) {
        Result r = run("squeue -h -t all -j " + ShellQuote.quote(jobId) + " -o " + ShellQuote.quote(QUEUE_FORMAT), QUICK);
        if (r.rc() != 0) {
            if (r.err().contains("Invalid job id")) return Optional.empty();
            throw failure("asking for allocation " + jobId, r);
        }
        return parseQueue(r.out()).stream().findFirst();
    }

    static List<Allocation> parseQueue(String out) {
        List<Allocation> result = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\u001f", 9);
            if (f.length < 9) continue;
            var c = Allocation.parseComment(f[8].strip());
            if (c.isEmpty()) continue;
            Instant submitted;
            try {
                submitted = LocalDateTime.parse(f[5].strip()).atZone(ZoneId.systemDefault()).toInstant();
            } catch (RuntimeException e) {
                submitted = Instant.EPOCH;
            }
            String gres = f[7].strip().equals("N/A") ? "" : f[7].strip();
            result.add(new Allocation(f[0].strip(), f[1].strip(), f[2].strip(), HostList.expand(f[3].strip()), f[4].strip(),
                    submitted, f[6].strip(), gres, c.get().get("job"), c.get().getOrDefault("owner", ""),
                    Arrays.asList(c.get().get("tasks").split(","))));
        }
        result.sort((a, b) -> Long.compare(Long.parseLong(a.jobId()), Long.parseLong(b.jobId())));
        return result;
    }

    /** The 1-based place of pending job {@code jobId} among the pending jobs of its partition, by priority. */
    int queuePosition(String jobId, String partition) {
        String out = must("listing the queue", "squeue -h -t PD -p " + ShellQuote.quote(partition) + " --sort=-p,i -o %i");
        List<String> ids = out.lines().map(String::strip).toList();
        return ids.indexOf(jobId) + 1;
    }

    /** Submits a batch job; returns its id. */
    String submit(List<String> args) {
        Result r = run("sbatch --parsable " + join(args), QUICK);
        if (r.rc() != 0) throw refused("sbatch", r);
        return r.out().strip().split(";")[0];
    }

    /** Asks Slurm whether the job could ever run, without submitting it: empty when it could, else why not. */
    Optional<String> testOnly(List<String> args) {
        Result r = run("sbatch --test-only " + join(args), QUICK);
        if (r.rc() == 0) return Optional.empty();
        String err = r.err().toLowerCase(java.util.Locale.ROOT);
        if (err.contains("munge") || err.contains("unable to contact") || err.contains("configuration source")) throw failure("sbatch", r);
        return Optional.of(oneLine(r.err()));
    }

    private FastGpuException refused(String what, Result r) {
        String err = r.err().toLowerCase(java.util.Locale.ROOT);
        if (err.contains("munge") || err.contains("unable to contact") || err.contains("configuration source") || r.rc() == 127) {
            return failure(what, r);
        }
        return new InvalidSpecException("Slurm refused the allocation on cluster '" + cluster.name() + "': " + oneLine(r.err()));
    }

    static String oneLine(String err) {
        List<String> lines = err.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.contains("pmix"))
                .map(l -> l.replaceFirst("^(sbatch|srun|scontrol|squeue|sinfo): (error: )?", "")).distinct().toList();
        return lines.isEmpty() ? "no reason given" : String.join("; ", lines);
    }

    /** Cancels the allocation and waits (up to a minute) until Slurm has released its nodes. */
    void cancel(String jobId) {
        must("cancelling allocation " + jobId, "scancel " + ShellQuote.quote(jobId)
                + "; for i in $(seq 600); do s=$(squeue -h -j " + ShellQuote.quote(jobId) + " -o %T 2>/dev/null);"
                + " case \"$s\" in ''|CANCELLED|COMPLETED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED) exit 0;; esac; sleep 0.1; done");
    }

    void setComment(String jobId, String comment) {
        must("updating allocation " + jobId, "scontrol update JobId=" + ShellQuote.quote(jobId) + " Comment=" + ShellQuote.quote(comment));
    }

    /** Node name → its address ({@code NodeAddr}). */
    Map<String, String> nodeAddresses() {
        Map<String, String> m = new HashMap<>();
        for (String line : must("listing the nodes", "sinfo -h -N -o '%N|%o'").split("\n")) {
            String[] p = line.strip().split("\\|");
            if (p.length == 2) m.put(p[0], p[1]);
        }
        return m;
    }

    /** One partition as {@code scontrol show partition} says. */
    record Partition(String name, boolean isDefault, int totalNodes, String maxTime, String nodes, String state) { }

    List<Partition> partitions() {
        List<Partition> result = new ArrayList<>();
        for (String line : must("listing the partitions", "scontrol -o show partition").split("\n")) {
            Map<String, String> kv = keyValues(line);
            if (!kv.containsKey("PartitionName")) continue;
            result.add(new Partition(kv.get("PartitionName"), "YES".equals(kv.get("Default")),
                    Integer.parseInt(kv.getOrDefault("TotalNodes", "0")), kv.getOrDefault("MaxTime", "UNLIMITED"),
                    kv.getOrDefault("Nodes", ""), kv.getOrDefault("State", "")));
        }
        return result;
    }

    /** One node: its partitions, state, GPUs and GPUs in use. */
    record Node(String name, List<String> partitions, String state, int gpus, int gpusUsed) {
        boolean idle() { return state.toLowerCase(java.util.Locale.ROOT).startsWith("idle"); }

        boolean usable() {
            String s = state.toLowerCase(java.util.Locale.ROOT);
            return !(s.contains("down") || s.contains("drain") || s.contains("fail") || s.contains("inval") || s.endsWith("*"));
        }
    }

    /** The nodes, from {@code sinfo --json} where this Slurm has it, else from its plain format. */
    List<Node> nodes() {
        Result json = run("sinfo --json", QUICK);
        if (json.rc() == 0 && json.out().strip().startsWith("{")) {
            try {
                var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
                List<Node> nodes = new ArrayList<>();
                for (var n : tree.path("nodes")) {
                    List<String> parts = new ArrayList<>();
                    n.path("partitions").forEach(p -> parts.add(p.asText()));
                    String state = n.path("state").asText() + (n.path("state_flags").isEmpty() ? "" : "+" + n.path("state_flags").toString());
                    nodes.add(new Node(n.path("name").asText(), parts, state, gpuCount(n.path("gres").asText()),
                            gpuCount(n.path("gres_used").asText())));
                }
                return nodes;
            } catch (java.io.IOException | RuntimeException e) {
                // an older or different JSON: the plain format below says the same
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (String line : must("listing the nodes", "sinfo -h -N -O 'NodeList:|,Partition:|,StateCompact:|,Gres:|,GresUsed:'").split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length < 5) continue;
            String part = f[1].strip().replace("*", "");
            Node known = nodes.stream().filter(x -> x.name().equals(f[0].strip())).findFirst().orElse(null);
            if (known != null) {
                List<String> parts = new ArrayList<>(known.partitions());
                parts.add(part);
                nodes.set(nodes.indexOf(known), new Node(known.name(), parts, known.state(), known.gpus(), known.gpusUsed()));
            } else {
                nodes.add(new Node(f[0].strip(), new ArrayList<>(List.of(part)), f[2].strip(), gpuCount(f[3]), gpuCount(f[4])));
            }
        }
        return nodes;
    }

    /** GPUs in a gres list ({@code gpu:2}, {@code gpu:a100:8(S:0-1)}, {@code gpu:(null):0(IDX:N/A)}), 0 when none. */
    static int gpuCount(String gres) {
        int total = 0;
        for (String g : gres.split(",(?![^(]*\\))")) {
            String s = g.strip().replaceAll("\\([^()]*\\)$", "");
            if (!s.startsWith("gpu")) continue;
            String[] p = s.split(":");
            try {
                total += p.length == 1 ? 1 : Integer.parseInt(p[p.length - 1]);
            } catch (NumberFormatException e) {
                // a type without a count
            }
        }
        return total;
    }

    static Map<String, String> keyValues(String line) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.strip().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return kv;
    }

    private static String join(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) sb.append(' ').append(ShellQuote.quote(a));
        return sb.toString().strip();
    }
}
