package io.fastgpu.provider.aliyun.wire;

import java.util.List;
import java.util.Map;

/**
 * An ECS instance as DescribeInstances answers it, in our own terms: missing strings are empty, lists are never null.
 *
 * @param status       the API's status word: Pending, Starting, Running, Stopping, Stopped
 * @param spotStrategy {@code NoSpot}, {@code SpotAsPriceGo}, {@code SpotWithPriceLimit} or empty
 * @param publicIp     its public address (or elastic IP), empty when it has none
 * @param gpuSpec      e.g. {@code NVIDIA V100}, empty for a CPU type
 * @param creationTime as the API writes it, e.g. {@code 2024-01-30T08:12Z}
 * @param lockReasons  why operations on it are locked, e.g. {@code Recycling} for a spot instance taken back
 */
public record CloudInstance(String id, String name, String status, String zone, String instanceType, String imageId, String spotStrategy,
                            String publicIp, String privateIp, String gpuSpec, int gpuAmount, String creationTime,
                            Map<String, String> tags, List<String> lockReasons) {
    public CloudInstance {
        tags = Map.copyOf(tags);
        lockReasons = List.copyOf(lockReasons);
    }
}
