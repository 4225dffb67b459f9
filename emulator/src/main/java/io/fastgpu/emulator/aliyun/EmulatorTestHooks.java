package io.fastgpu.emulator.aliyun;

/**
 * What tests and benchmarks change in a running emulator from outside its API, to bring about what
 * the real cloud and the internet do on their own: flow control, stock running out, spot instances
 * taken back, a caller whose public address changed.
 * Each change takes effect at once. Get it with {@link AliyunEmulator#testHooks()}.
 */
public final class EmulatorTestHooks {
    private final AliyunEmulator emulator;
    private final Throttler throttler;

    EmulatorTestHooks(AliyunEmulator emulator, Throttler throttler) {
        this.emulator = emulator;
        this.throttler = throttler;
    }

    /** Sets (or with 0, removes) the calls-per-second limit of an action. */
    public void setThrottle(String action, int perSecond) {
        throttler.setLimit(action, perSecond);
    }

    /** Throttles every call of {@code action} until this is called again with false. */
    public void throttleAlways(String action, boolean on) {
        throttler.block(action, on);
    }

    /** Sets how many instances of a type a zone can hold (0 sells it out). */
    public void setCapacity(String zoneId, String instanceType, int capacity) {
        emulator.change(cloud -> cloud.setCapacity(zoneId, instanceType, capacity));
    }

    /**
     * The cloud reclaims a spot instance: it is stopped at once and carries the {@code Recycling}
     * operation lock (visible in DescribeInstances' OperationLocks), as ECS shows an instance it is
     * taking back; it can then only be deleted.
     *
     * @throws IllegalArgumentException when no such instance exists
     */
    public void interruptSpotInstance(String instanceId) {
        emulator.metadata().forget(instanceId);
        emulator.change(cloud -> {
            InstanceRecord instance = cloud.state.instance(instanceId);
            if (instance == null) {
                throw new IllegalArgumentException("unknown instance " + instanceId);
            }
            cloud.state.put(InstanceStateMachine.reclaimed(instance, cloud.clock.instant()));
            cloud.changed();
        });
    }

    /**
     * The cloud announces that it takes a spot instance back in {@code notice}, as Alibaba Cloud does: from now on
     * the instance's metadata service answers {@code instance/spot/termination-time}, and when the time comes the
     * instance is reclaimed as {@link #interruptSpotInstance(String)} does. Returns at once.
     *
     * @throws IllegalArgumentException when no such instance exists
     */
    public void interruptSpotInstance(String instanceId, java.time.Duration notice) {
        if (emulator.instances().stream().noneMatch(v -> v.instanceId().equals(instanceId))) {
            throw new IllegalArgumentException("unknown instance " + instanceId);
        }
        if (notice.isZero() || notice.isNegative()) {
            interruptSpotInstance(instanceId);
            return;
        }
        emulator.metadata().announce(instanceId, java.time.Instant.now().plus(notice));
        Thread reclaim = new Thread(() -> {
            try {
                Thread.sleep(notice.toMillis());
                interruptSpotInstance(instanceId);
            } catch (InterruptedException | IllegalArgumentException e) {
                // the emulator is closing, or the instance was released meanwhile
            }
        }, "spot-reclaim-" + instanceId);
        reclaim.setDaemon(true);
        reclaim.start();
    }

    /**
     * The caller's public address changes (a new network, a new lease): the public-address lookup
     * answers it, and connections to instances' public addresses come from it, from the next one on.
     *
     * @throws IllegalArgumentException when {@code address} is not an IPv4 address
     */
    public void setCallerIp(String address) {
        emulator.change(cloud -> cloud.setCallerIp(address));
    }
}
