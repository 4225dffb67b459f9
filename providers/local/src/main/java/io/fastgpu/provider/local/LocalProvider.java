package io.fastgpu.provider.local;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.spi.Capabilities;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.RendezvousPorts;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.util.ShellQuote;
import io.fastgpu.core.transport.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The zero-setup backend: each instance is a sandbox folder on this machine that acts as its home, with
 * its own loopback address, so several tasks form a cluster here. Stopping ends every process of the
 * instance and keeps its files; killing also removes the folder.
 */
public final class LocalProvider implements Provider {
    public static final String NAME = "local";

    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Path instancesDir;

    public LocalProvider(Path root) {
        this.root = root;
        this.instancesDir = root.resolve("instances");
    }

    @Override public String name() { return NAME; }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, false, true).with(RendezvousPorts.class, LocalProvider::freePort)
                .with(SelfStop.class, new SelfStop() {
                    @Override public String stopScript(Instance i) { return selfStopScript(i.id()); }

                    @Override public boolean autostopByDefault() { return false; }
                });
    }

    @Override
    public List<Instance> list() {
        if (!Files.isDirectory(instancesDir)) return List.of();
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            return dirs.map(d -> LocalInstanceFile.read(d.resolve(LocalInstanceFile.NAME)))
                    .flatMap(java.util.Optional::stream)
                    .sorted(Comparator.comparing(Instance::name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + instancesDir, e);
        }
    }

    /**
     * The sandbox stopping itself: marked STOPPED in its description (or, with {@code $1} = true, its folder
     * removed), then every process of it ended, as {@link #stop} and {@link #destroy} do from outside.
     */
    private String selfStopScript(String id) {
        String meta = ShellQuote.quote(metaFile(id).toString());
        return "if [ \"$1\" = true ]; then rm -rf " + ShellQuote.quote(dir(id).toString()) + "\n"
                + "else sed 's/^state=RUNNING$/state=STOPPED/' " + meta + " > " + meta + ".self && mv -f " + meta + ".self " + meta + "; fi\n"
                + "bash -c " + ShellQuote.quote(ProcessMarker.endScript(ProcessMarker.INSTANCE, id)) + "\n"
                + "exit " + SelfStop.TASK_ENDED;
    }

    private Instance get(String id) {
        return LocalInstanceFile.read(metaFile(id))
                .orElseThrow(() -> new NotFoundException("no local instance with id " + id));
    }

    private Path dir(String id) { return instancesDir.resolve(id); }

    private Path metaFile(String id) { return dir(id).resolve(LocalInstanceFile.NAME); }

    /** The sandbox folder acting as the instance's home. */
    public Path homeOf(String id) { return dir(id).resolve("home"); }

    /** Any number of sandboxes can be made; the names are checked when they are. */
    @Override
    public CreatePlan validate(List<CreateRequest> requests) { return CreatePlan.of(requests); }

    @Override
    public CreateOutcome create(CreatePlan plan) {
        return CreateOutcome.oneByOne(plan, this::createOne, i -> destroy(i.id()));
    }

    /** The instance named {@code name}, if it exists. */
    public java.util.Optional<Instance> findByName(String name) {
        return list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private Instance createOne(CreateRequest request) {
        return locked(() -> {
            if (findByName(request.name()).isPresent()) {
                throw new FastGpuException("an instance named " + request.name() + " already exists");
            }
            String id = "loc-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
            Instance inst = new Instance(id, request.name(), NAME, InstanceState.RUNNING,
                    request.resources().instanceType().isEmpty() ? "local" : request.resources().instanceType(),
                    "-", "", nextLoopbackIp(), java.time.Instant.now(), request.tags());
            try {
                Files.createDirectories(homeOf(id));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + homeOf(id), e);
            }
            LocalInstanceFile.write(metaFile(id), inst);
            return inst;
        });
    }

    /** 127.77.x.y, the lowest one no instance uses: the whole 127/8 is loopback on Linux. */
    private String nextLoopbackIp() {
        Set<String> used = new HashSet<>();
        list().forEach(i -> used.add(i.privateIp()));
        for (int n = 0; n < 250 * 250; n++) {
            String ip = "127.77." + (n / 250) + "." + (n % 250 + 1);
            if (!used.contains(ip)) return ip;
        }
        throw new FastGpuException("no free loopback address for another local instance");
    }

    @Override
    public void start(String id) {
        locked(() -> {
            Instance i = get(id);
            LocalInstanceFile.write(metaFile(id), i.withState(InstanceState.RUNNING));
            return null;
        });
    }

    @Override
    public void stop(String id) {
        get(id);
        ProcessReaper.killAll(id);
        locked(() -> {
            LocalInstanceFile.write(metaFile(id), get(id).withState(InstanceState.STOPPED));
            return null;
        });
    }

    @Override
    public void destroy(String id) {
        get(id);
        ProcessReaper.killAll(id);
        locked(() -> {
            deleteTree(dir(id));
            return null;
        });
    }

    @Override
    public void rename(String id, String newName) {
        locked(() -> {
            if (findByName(newName).isPresent()) {
                throw new FastGpuException("an instance named " + newName + " already exists");
            }
            LocalInstanceFile.write(metaFile(id), get(id).withName(newName));
            return null;
        });
    }

    @Override
    public List<Instance> awaitReady(List<String> ids, Duration timeout) { return ids.stream().map(this::ensureRunning).toList(); }

    @Override
    public Transport transport(Instance instance) {
        Instance current = ensureRunning(instance.id());
        return new LocalTransport(current.id(), current.name(), homeOf(current.id()), () -> ensureRunning(current.id()));
    }

    private Instance ensureRunning(String id) {
        Instance current = LocalInstanceFile.read(metaFile(id))
                .orElseThrow(() -> new NotFoundException("local instance " + id + " no longer exists (killed?)"));
        if (!current.state().isRunning()) {
            throw new FastGpuException(current.name() + " is " + current.state().label()
                    + "; start it with 'fastgpu start " + current.name() + "'");
        }
        return current;
    }

    /** Local tasks share this machine's disk, like a NAS mounted on every task. */
    @Override
    public String runRoot(Instance instance) { return root.resolve("shared").toString(); }

    /** A port free now, so concurrent local jobs never rendezvous on the same one. */
    private static int freePort(String job) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            return RendezvousPorts.DEFAULT;
        }
    }

    /**
     * Serialises changes across threads and processes: instance names and addresses must stay unique.
     * A file lock excludes other processes; it cannot be taken twice in one JVM, so providers of the same
     * root in this JVM (several {@code FastGpu} objects) first share a monitor.
     */
    private <T> T locked(Supplier<T> action) {
        synchronized (JVM_LOCKS.computeIfAbsent(root.toAbsolutePath().normalize(), k -> new Object())) {
            try {
                Files.createDirectories(instancesDir);
                try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    return action.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + root, e);
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
