package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.facet.SelfStop;

/**
 * An ECS instance stops itself by shutting down from inside: ECS then shows it Stopped. FastGPU logs in as root,
 * so no sudo. An instance cannot release itself without cloud credentials on it, so {@code down} also shuts
 * it down, and {@code fastgpu sweep --release} (or {@code kill}) releases it.
 */
final class PowerOff implements SelfStop {
    @Override
    public String stopScript(Instance instance) {
        return "sync; shutdown -h now 2>/dev/null || poweroff";
    }

    @Override
    public boolean autostopByDefault() { return true; }
}
