package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.provider.aliyun.wire.CloudInstance;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Spot instances the cloud takes back. Such an instance is stopped and locked for {@code Recycling}: it can only be
 * released. It lists as {@link InstanceState#TERMINATED}; a wait for it fails at once instead of timing out; and the
 * next launch that wants its name releases it, so its task gets a new machine.
 */
final class SpotReclaim {
    /** Put on an instance the cloud took back. */
    static final String TAG = "aliyun:reclaimed";

    private final EventListener events;
    private final Consumer<String> release;

    /** {@code release} destroys an instance by id. */
    SpotReclaim(EventListener events, Consumer<String> release) {
        this.events = events;
        this.release = release;
    }

    static boolean reclaimed(CloudInstance i) { return i.lockReasons().contains("Recycling"); }

    /** Why a wait for {@code i} ends. */
    static FastGpuException takenBack(CloudInstance i) {
        return new FastGpuException(i.name() + " (" + i.id() + ") was taken back by the cloud (spot); launch again to get a new machine for it");
    }

    /**
     * Releases those of {@code existing} that the cloud took back and whose names are {@code wanted}; returns the
     * others, which still hold their names.
     */
    List<Instance> releaseFor(Collection<String> wanted, List<Instance> existing) {
        for (Instance gone : existing) {
            if (gone.state() == InstanceState.TERMINATED && wanted.contains(gone.name())) {
                events.on(new Event.Notice(Event.Level.WARN, gone.name() + " (" + gone.id() + ") was taken back by the cloud"
                        + " (spot); releasing it and creating a new one"));
                release.accept(gone.id());
            }
        }
        return existing.stream().filter(i -> i.state() != InstanceState.TERMINATED).toList();
    }
}
