package io.fastgpu.emulator.aliyun;

import io.fastgpu.emulator.machine.EmulatedMachines;
import io.fastgpu.emulator.machine.IngressFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole offline cloud: the OpenAPI emulator and, behind every Running instance, a real machine reachable
 * over SSH on its loopback addresses. Instances that stop are halted (their processes end, their disks stay);
 * released ones lose their disks. NFS mounts of the emulated NAS become links to its host folder.
 *
 * <p>Follows the API's changes as they happen (a change listener) and the passing of time (boot latency) with a
 * short tick.
 */
public final class EmulatedCloud implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmulatedCloud.class.getName());

    private final AliyunEmulator api;
    private final EmulatedMachines machines;
    private final Path machinesRoot;
    private final int sshPort;
    private final String region;
    private final Set<String> booted = new HashSet<>();
    private final ScheduledExecutorService ticker;
    private final Runnable listener = this::reconcileQuietly;

    private EmulatedCloud(AliyunEmulator api, Path machinesRoot, int sshPort, String region, IngressFilter ingress) {
        this.api = api;
        this.region = region;
        this.machinesRoot = machinesRoot;
        this.sshPort = sshPort;
        this.machines = new EmulatedMachines(machinesRoot, sshPort, ingress);
        this.machines.metadataService(api::metadataUrl);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulated-cloud");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the API on {@code apiPort} (0: any) and the machines' SSH servers on {@code sshPort} of each
     * instance's own addresses. The config must use loopback addresses. With
     * {@link EmulatorConfig#enforceSecurityGroups} (the default) the machines let in only what their security
     * group admits ({@link SecurityGroupFirewall}); the environment's {@code FASTGPU_PUBLIC_IP_URL} tells a
     * client the address to open.
     */
    public static EmulatedCloud start(EmulatorConfig config, int apiPort, Path machinesRoot, int sshPort) throws IOException {
        if (!config.loopbackAddresses()) {
            throw new IllegalArgumentException("emulated machines need loopbackAddresses(true) in the emulator config");
        }
        AliyunEmulator api = new AliyunEmulator(config, apiPort).start();
        IngressFilter ingress = config.enforceSecurityGroups() ? new SecurityGroupFirewall(api) : IngressFilter.OPEN;
        EmulatedCloud cloud = new EmulatedCloud(api, machinesRoot, sshPort, config.regions().get(0).regionId(), ingress);
        api.addChangeListener(cloud.listener);
        cloud.releaseLeftovers();
        cloud.reconcile();
        cloud.ticker.scheduleWithFixedDelay(cloud::reconcileQuietly, 100, 100, TimeUnit.MILLISECONDS);
        return cloud;
    }

    public AliyunEmulator api() {
        return api;
    }

    public EmulatedMachines machines() {
        return machines;
    }

    public int sshPort() {
        return sshPort;
    }

    /**
     * The environment that points FastGPU at this cloud: endpoint, SSH port, the public-address lookup
     * ({@code FASTGPU_PUBLIC_IP_URL}, answering the emulated caller address) and the given key; for tests
     * and for {@code fastgpu emulator aliyun}, which prints it without the secret.
     */
    public Map<String, String> environment(String accessKeyId, String accessKeySecret) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FASTGPU_ALIYUN_ENDPOINT", "http://" + api.endpoint());
        env.put("FASTGPU_ALIYUN_SSH_PORT", String.valueOf(sshPort));
        env.put("FASTGPU_PUBLIC_IP_URL", api.publicIpUrl());
        env.put("ALIYUN_DEFAULT_REGION", region);
        env.put("ALIYUN_ACCESS_KEY_ID", accessKeyId);
        if (accessKeySecret != null) env.put("ALIYUN_ACCESS_KEY_SECRET", accessKeySecret);
        return env;
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "emulated machines: " + e.getMessage(), e);
        }
    }

    /** Makes the machines match the instances: Running ones up, others halted, released ones gone. */
    synchronized void reconcile() {
        List<InstanceView> views = api.instances();
        writeNasMounts();
        Set<String> live = new HashSet<>();
        for (InstanceView v : views) {
            live.add(v.instanceId());
            if ("Running".equals(v.status())) {
                List<String> addresses = new ArrayList<>();
                if (v.privateIp() != null && !v.privateIp().isBlank()) addresses.add(v.privateIp());
                if (v.publicIp() != null && !v.publicIp().isBlank()) addresses.add(v.publicIp());
                List<String> keys = v.publicKey() == null ? List.of() : List.of(v.publicKey());
                String host = v.hostName() == null || v.hostName().isBlank() ? v.instanceId() : v.hostName();
                machines.boot(v.instanceId(), addresses, keys, host);
                if (booted.add(v.instanceId())) {
                    installNasTools(v.instanceId());
                    machines.takePowerOffRequest(v.instanceId()); // one left from before this boot is stale
                    machines.runRebootJobs(v.instanceId());
                } else if (machines.takePowerOffRequest(v.instanceId())) {
                    api.shutDownFromInside(v.instanceId());
                }
            } else if (booted.remove(v.instanceId()) || machines.isUp(v.instanceId())) {
                machines.halt(v.instanceId());
            }
        }
        for (String id : List.copyOf(booted)) {
            if (!live.contains(id)) {
                machines.release(id);
                booted.remove(id);
            }
        }
    }

    /** Disks of instances released while no emulator ran. */
    private void releaseLeftovers() throws IOException {
        if (!Files.isDirectory(machinesRoot)) return;
        Set<String> ids = new HashSet<>();
        for (InstanceView v : api.instances()) ids.add(v.instanceId());
        try (var dirs = Files.list(machinesRoot)) {
            for (Path d : dirs.toList()) {
                String id = d.getFileName().toString();
                if (Files.isDirectory(d) && id.startsWith("i-") && !ids.contains(id)) machines.release(id);
            }
        }
    }

    private Path nasMap() {
        return machinesRoot.resolve("nas-mounts");
    }

    private void writeNasMounts() {
        StringBuilder sb = new StringBuilder();
        api.nasMounts().forEach((domain, dir) -> sb.append(domain).append('\t').append(dir).append('\n'));
        try {
            Files.createDirectories(machinesRoot);
            Path map = nasMap();
            String text = sb.toString();
            if (Files.exists(map) && Files.readString(map).equals(text)) return;
            Path tmp = Files.createTempFile(machinesRoot, ".nas", ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, map, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code mount -t nfs DOMAIN:/ DIR} and {@code mountpoint -q DIR} for the machine: the emulated NAS is a host
     * folder, so mounting it makes DIR a link to that folder; anything else goes to the real commands.
     */
    private void installNasTools(String instanceId) {
        Path bin = machines.home(instanceId).getParent().resolve("bin");
        String map = nasMap().toString().replace("'", "'\\''");
        String mount = "#!/bin/bash\n"
                + "# Emulated machine: an NFS mount of the emulated NAS becomes a link to its host folder.\n"
                + "if [ \"$1\" = -t ] && [ \"$2\" = nfs ]; then\n"
                + "  shift 2; if [ \"$1\" = -o ]; then shift 2; fi\n"
                + "  src=$1; dst=$2; domain=${src%%:*}\n"
                + "  dir=$(awk -F'\\t' -v d=\"$domain\" '$1==d{print $2}' '" + map + "')\n"
                + "  [ -n \"$dir\" ] || { echo \"mount.nfs: $src: no such NAS mount target\" >&2; exit 32; }\n"
                + "  # Like a real mount over a folder, what was there is hidden (here: moved aside).\n"
                + "  if [ -L \"$dst\" ]; then rm -f \"$dst\"; elif [ -d \"$dst\" ]; then rmdir \"$dst\" 2>/dev/null"
                + " || mv \"$dst\" \"$dst.hidden-by-nas.$$\"; fi\n"
                + "  ln -s \"$dir\" \"$dst\" && exit 0\n"
                + "  exit 32\n"
                + "fi\n"
                + "exec /bin/mount \"$@\"\n";
        String mountpoint = "#!/bin/bash\n"
                + "# Emulated machine: an emulated NAS mount is a link (see mount).\n"
                + "if [ \"$1\" = -q ] && [ -L \"$2\" ]; then exit 0; fi\n"
                + "exec /bin/mountpoint \"$@\"\n";
        try {
            Files.createDirectories(bin);
            for (var e : Map.of("mount", mount, "mountpoint", mountpoint).entrySet()) {
                Path f = bin.resolve(e.getKey());
                Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until every Running instance's machine is up; for tests. */
    public void awaitMachines(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            reconcile();
            if (api.instances().stream().filter(v -> "Running".equals(v.status()))
                    .allMatch(v -> machines.isUp(v.instanceId()))) {
                return;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        api.removeChangeListener(listener);
        machines.close();
        api.close();
    }
}
