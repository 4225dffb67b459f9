package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.CloudInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Waits for machines to run and answer SSH (and to mount their NAS, when launched with one). Polls every machine
 * with one DescribeInstances call per round (up to 100 ids each), backing off, and checks SSH on each, on a pool of
 * its own, as soon as it runs; answers as soon as the last check ends, without waiting for the next round. A machine
 * stopped, released or taken back by the cloud fails at once instead of at the deadline.
 */
final class ReadinessWait {
    private final CloudAccess cloud;
    private final InstanceLookup lookup;
    private final SshConnections ssh;
    private final KnownHosts knownHosts;

    ReadinessWait(CloudAccess cloud, InstanceLookup lookup, SshConnections ssh, KnownHosts knownHosts) {
        this.cloud = cloud;
        this.lookup = lookup;
        this.ssh = ssh;
        this.knownHosts = knownHosts;
    }

    /** One wait: what is known of each machine so far. */
    private final class Round {
        final List<String> ids;
        final Duration timeout;
        final long deadline;
        final Map<String, Instance> ready = new ConcurrentHashMap<>();
        final Map<String, FastGpuException> failures = new ConcurrentHashMap<>();
        final Map<String, String> lastSeen = new ConcurrentHashMap<>();
        final Map<String, Future<?>> probing = new ConcurrentHashMap<>();
        final Object progress = new Object(); // notified whenever an SSH check ends

        Round(List<String> ids, Duration timeout) {
            this.ids = ids;
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        boolean done() { return ready.size() + failures.size() >= ids.size(); }

        boolean settled(String id) { return ready.containsKey(id) || failures.containsKey(id); }
    }

    List<Instance> await(List<String> ids, Duration timeout) {
        Round w = new Round(ids, timeout);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(32, Math.max(1, ids.size())), r -> {
            Thread t = new Thread(r, "fastgpu-aliyun-ssh");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int round = 0; !w.done(); round++) {
                poll(w, pool);
                if (w.done()) break;
                if (System.nanoTime() > w.deadline && timedOut(w)) break;
                sleepUntilNextPoll(w, round);
            }
        } finally {
            pool.shutdownNow();
        }
        if (!w.failures.isEmpty()) {
            List<String> lines = ids.stream().filter(w.failures::containsKey).map(i -> w.failures.get(i).getMessage()).toList();
            throw new FastGpuException(w.failures.size() + " of " + ids.size() + " instance(s) did not get ready: "
                    + String.join("; ", lines) + (w.ready.isEmpty() ? "" : " (ready: " + w.ready.size() + ")"));
        }
        return ids.stream().map(w.ready::get).toList();
    }

    /** Asks for the machines not yet running, and starts an SSH check on each one that runs now. */
    private void poll(Round w, ExecutorService pool) {
        List<String> pending = w.ids.stream().filter(i -> !w.settled(i) && !w.probing.containsKey(i)).toList();
        Map<String, CloudInstance> found = lookup.byIds(pending);
        for (String id : pending) {
            CloudInstance i = found.get(id);
            if (i == null) {
                w.failures.put(id, new NotFoundException("instance " + id + " no longer exists (released, or reclaimed as a spot instance)"));
                continue;
            }
            w.lastSeen.put(id, i.status());
            if (SpotReclaim.reclaimed(i)) {
                w.failures.put(id, SpotReclaim.takenBack(i));
            } else if ("Stopped".equals(i.status())) {
                w.failures.put(id, new FastGpuException(i.name() + " (" + id + ") is stopped; start it with 'fastgpu start " + i.name() + "'"));
            } else if ("Running".equals(i.status())) {
                Instance inst = lookup.seen(i);
                if (inst.publicIp().isEmpty()) continue;
                knownHosts.forgetIfNew(id, inst.publicIp()); // a new machine on a possibly reused address
                w.probing.put(id, pool.submit(() -> check(w, inst)));
            }
        }
    }

    private void check(Round w, Instance inst) {
        try {
            awaitSsh(inst, w.deadline);
            w.ready.put(inst.id(), inst);
        } catch (FastGpuException e) {
            w.failures.put(inst.id(), e);
        } finally {
            synchronized (w.progress) {
                w.progress.notifyAll();
            }
        }
    }

    /** Past the deadline: fails the machines that never ran; true when no SSH check is still going. */
    private boolean timedOut(Round w) {
        for (String id : w.ids) {
            if (!w.settled(id) && !w.probing.containsKey(id)) {
                w.failures.put(id, new FastGpuException("instance " + id + " is not Running after " + w.timeout.toSeconds()
                        + " s (last state " + w.lastSeen.getOrDefault(id, "unknown") + "); see the console, or"
                        + " 'fastgpu ls --stop', and check the instance type's stock and your quota"));
            }
        }
        return w.probing.keySet().stream().allMatch(w::settled);
    }

    /** Until the next poll, or sooner when the SSH checks of the last machines have ended. */
    private static void sleepUntilNextPoll(Round w, int round) {
        long wake = System.nanoTime() + CloudApi.backoff(Math.min(round, 3)).toNanos();
        synchronized (w.progress) {
            long left;
            while (!w.done() && (left = wake - System.nanoTime()) > 0) {
                try {
                    w.progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FastGpuException("interrupted");
                }
            }
        }
    }

    private void awaitSsh(Instance inst, long deadline) {
        String lastError = "";
        while (true) {
            try {
                Transport t = ssh.transport(inst);
                String home = t.home();
                String nas = inst.tags().getOrDefault(Tags.NAS, "");
                if (!nas.isEmpty()) NasMount.mountAt(inst, t, nas, home + "/fastgpu");
                return;
            } catch (NasMount.NotMountedException e) {
                throw e;
            } catch (FastGpuException e) {
                lastError = e.getMessage();
                ssh.disconnect(inst);
            }
            if (System.nanoTime() > deadline) {
                throw new FastGpuException(inst.name() + " (" + inst.id() + ") is Running but SSH to " + inst.publicIp() + ":"
                        + cloud.settings().sshPort() + " did not answer in time (last error: " + lastError + "); check that the"
                        + " security group lets your address in ('fastgpu addip " + inst.name() + "') and that the image runs sshd");
            }
            CloudApi.sleep(500);
        }
    }
}
