package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.provider.aliyun.wire.CloudInstance;
import io.fastgpu.provider.aliyun.wire.InstanceCalls;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds FastGPU instances of the region, and remembers the last state seen of each, and when, so that making a
 * transport right after a listing or a wait needs no API call.
 */
final class InstanceLookup {
    private static final long SEEN_FRESH_NANOS = Duration.ofSeconds(10).toNanos();

    private record Seen(Instance instance, long atNanos) { }

    private final CloudAccess cloud;
    private final InstanceMapper mapper;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    InstanceLookup(CloudAccess cloud, InstanceMapper mapper) {
        this.cloud = cloud;
        this.mapper = mapper;
    }

    private InstanceCalls calls() { return new InstanceCalls(cloud.api()); }

    /** The FastGPU machines of the region: the caller's, or everyone's with {@code allOwners}. */
    List<Instance> list(boolean allOwners) {
        var found = allOwners ? calls().tagged(Tags.JOB, null) : calls().tagged(Tags.OWNER, cloud.settings().owner());
        return found.stream().map(this::seen).toList();
    }

    /** The instance as the API answers it now. */
    CloudInstance raw(String id) {
        var found = calls().byIds(List.of(id));
        if (found.isEmpty()) throw new NotFoundException("no instance " + id + " in " + cloud.region() + " (released?)");
        return found.get(0);
    }

    /** The instance now, in our terms. */
    Instance get(String id) { return seen(raw(id)); }

    /** Those of {@code ids} that still exist, by id, in as few calls as the API allows. */
    Map<String, CloudInstance> byIds(List<String> ids) {
        Map<String, CloudInstance> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 100) {
            for (var i : calls().byIds(ids.subList(from, Math.min(ids.size(), from + 100)))) found.put(i.id(), i);
        }
        return found;
    }

    /** The instance as last seen when that was a moment ago, else as it is now. */
    Instance recent(String id) {
        Seen s = seen.get(id);
        return s != null && System.nanoTime() - s.atNanos() < SEEN_FRESH_NANOS ? s.instance() : get(id);
    }

    /** Maps an answer of the API and remembers it. */
    Instance seen(CloudInstance i) {
        Instance result = mapper.toInstance(i);
        remember(result);
        return result;
    }

    void remember(Instance i) { seen.put(i.id(), new Seen(i, System.nanoTime())); }

    void forget(String id) { seen.remove(id); }
}
