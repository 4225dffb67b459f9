package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.provider.aliyun.AliyunProvider;

/** The {@code aliyun} backend, for the commands that exist only there. */
final class AliyunCommands {
    private AliyunCommands() { }

    static AliyunProvider provider(CliContext ctx) {
        Provider p = ctx.fastGpu().provider(AliyunProvider.NAME);
        if (!(p instanceof AliyunProvider a)) throw new FastGpuException("the aliyun backend is not available");
        return a;
    }
}
