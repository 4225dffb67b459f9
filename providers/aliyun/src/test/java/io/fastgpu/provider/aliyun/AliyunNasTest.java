package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** nas: true puts one NAS file system at the run root of every task: what one task writes there, the others read. */
class AliyunNasTest {
    @TempDir Path dir;

    @Test
    void tasksShareTheirRunRootThroughNas() {
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = cloud.provider(dir.resolve("home"))) {
            Resources cpu = new Resources("ecs.g7.xlarge", "", false, 40);
            List<Instance> made = p.create(CreatePlan.of(List.of(
                    new CreateRequest("task0.shared", cpu, "", Map.of("fastgpu:job", "shared"), Map.of("nas", "true")),
                    new CreateRequest("task1.shared", cpu, "", Map.of("fastgpu:job", "shared"), Map.of("nas", "true"))))).orThrow();
            List<Instance> ready = p.awaitReady(made.stream().map(Instance::id).toList(), Duration.ofMinutes(1));
            assertThat(ready.get(0).tags()).containsKey("fastgpu:nas");

            Transport t0 = p.transport(ready.get(0));
            Transport t1 = p.transport(ready.get(1));
            t0.write(p.runRoot(ready.get(0)) + "/from-task0.txt", "hello over NAS\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(t1.read(p.runRoot(ready.get(1)) + "/from-task0.txt"), StandardCharsets.UTF_8))
                    .isEqualTo("hello over NAS\n");
            assertThat(cloud.cloud.api().nasMounts()).hasSize(1); // one file system and mount target for the zone

            ready.forEach(i -> p.destroy(i.id()));
        }
    }
}
