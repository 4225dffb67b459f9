package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.provider.aliyun.wire.CloudInstance;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** An ECS instance as the rest of FastGPU sees it: our states, the GPUs it has, its zone and spot strategy as tags. */
final class InstanceMapper {
    /** The zone an instance is in. */
    static final String ZONE_TAG = "aliyun:zone";
    /** The spot strategy of a spot instance. */
    static final String SPOT_TAG = "aliyun:spot";

    private final Supplier<Catalog> catalog;

    InstanceMapper(Supplier<Catalog> catalog) { this.catalog = catalog; }

    Instance toInstance(CloudInstance i) {
        Map<String, String> tags = new HashMap<>(i.tags());
        tags.put(ZONE_TAG, i.zone());
        if (!i.spotStrategy().isEmpty() && !i.spotStrategy().equals("NoSpot")) tags.put(SPOT_TAG, i.spotStrategy());
        InstanceState state = InstanceStates.of(i.status());
        if (SpotReclaim.reclaimed(i)) {
            state = InstanceState.TERMINATED;
            tags.put(SpotReclaim.TAG, "spot");
        }
        return new Instance(i.id(), i.name(), AliyunProvider.NAME, state, i.instanceType(), gpu(i), i.publicIp(), i.privateIp(),
                created(i.creationTime()), tags);
    }

    /** {@code V100 x 8} from the instance's own answer, else from the instance type table, else {@code -}. */
    String gpu(CloudInstance i) {
        if (i.gpuAmount() > 0 && !i.gpuSpec().isBlank()) return Catalog.shortGpu(i.gpuSpec()) + " x " + i.gpuAmount();
        return gpuOf(i.instanceType());
    }

    String gpuOf(String instanceType) { return catalog.get().type(instanceType).map(Catalog.Type::gpu).orElse("-"); }

    static Instant created(String s) {
        if (s == null || s.isBlank()) return Instant.EPOCH;
        try {
            // The API answers minutes: 2024-01-30T08:12Z.
            return Instant.parse(s.matches(".*T\\d\\d:\\d\\dZ$") ? s.replace("Z", ":00Z") : s);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
