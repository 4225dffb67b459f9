package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.facet.SelfStop;

/**
 * An ECS instance stops itself by shutting down from inside: ECS then shows it Stopped. FastGPU logs in as root,
 * so no sudo. With {@code down} ({@code $1} = {@code true}) and an instance RAM role
 * ({@code FASTGPU_ALIYUN_INSTANCE_ROLE}) the machine releases itself instead: {@link SelfRelease} takes the role's
 * temporary credentials from the instance metadata service and calls DeleteInstance (Force) on its own instance.
 * Without a role, or when that call fails (said why in the watchdog's log), it shuts down, and
 * {@code fastgpu sweep --release} (or {@code kill}) releases it.
 */
final class PowerOff implements SelfStop {
    private final CloudAccess cloud;

    PowerOff(CloudAccess cloud) {
        this.cloud = cloud;
    }

    @Override
    public String stopScript(Instance instance) {
        AliyunSettings s = cloud.settings();
        String shutdown = "sync; shutdown -h now 2>/dev/null || poweroff";
        if (s.instanceRole().isEmpty()) {
            return "[ \"$1\" = true ] && echo 'no instance role (" + AliyunSettings.INSTANCE_ROLE
                    + "): the machine can only stop itself'\n" + shutdown;
        }
        return SelfRelease.script(s.apiEndpoint(), s.instanceRole(), instance.id()) + shutdown;
    }

    @Override
    public boolean autostopByDefault() { return true; }

    @Override
    public String releaseCaveat() {
        if (!cloud.settings().instanceRole().isEmpty()) return null;
        return "autostop down: true: without an instance role an Alibaba Cloud machine can only stop itself (disks still"
                + " billed) when no FastGPU client is left; set " + AliyunSettings.INSTANCE_ROLE
                + " to a RAM role trusted by ECS and allowed ecs:DeleteInstance, so that it releases itself";
    }
}
