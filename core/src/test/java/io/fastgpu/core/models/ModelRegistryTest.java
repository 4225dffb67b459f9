package io.fastgpu.core.models;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.ModelRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry on real files and a real state store: versions, content-addressed storage, checked downloads. */
class ModelRegistryTest {
    @TempDir Path tmp;

    @Test
    void versionsAreNumberedStoredOnceAndDownloadedByteIdentical() throws Exception {
        Path model = Files.write(tmp.resolve("save_model.pth"), bytes(100_000));
        try (FastGpu fg = FastGpu.builder().home(tmp.resolve("home")).build()) {
            ModelRegistry reg = ModelRegistry.open(fg);
            ModelRecord v1 = reg.registerFile(ModelRef.parse("gesture"), model, "pytorch", "first");
            ModelRecord v2 = reg.registerFile(ModelRef.parse("gesture"), model, "", "");
            assertThat(v1.ref()).isEqualTo("gesture:v1");
            assertThat(v2.ref()).isEqualTo("gesture:v2");
            assertThat(v1.sha256()).isEqualTo(HexFormat.of().formatHex(ModelStore.sha256().digest(Files.readAllBytes(model))));
            assertThat(v1.size()).isEqualTo(100_000);
            try (var blobs = Files.walk(tmp.resolve("home/models/blobs"))) {
                assertThat(blobs.filter(Files::isRegularFile).count()).as("one stored copy for two versions").isEqualTo(1);
            }
            assertThat(reg.show(ModelRef.parse("gesture")).version()).isEqualTo(2);
            assertThat(reg.show(ModelRef.parse("gesture:v1")).framework()).isEqualTo("pytorch");

            Path out = reg.download(ModelRef.parse("gesture:v1"), tmp.resolve("out"));
            assertThat(Files.mismatch(out, model)).isEqualTo(-1L);

            reg.delete(ModelRef.parse("gesture:v1"));
            assertThat(reg.versions("gesture")).extracting(ModelRecord::version).containsExactly(2);
            assertThat(Files.exists(reg.store().path(v1.sha256()))).as("still held by v2").isTrue();
            reg.delete(ModelRef.parse("gesture:v2"));
            assertThat(Files.exists(reg.store().path(v1.sha256()))).as("no version holds it").isFalse();
        }
    }

    @Test
    void badInputIsOneLineEach() throws Exception {
        Path model = Files.write(tmp.resolve("m.bin"), bytes(10));
        try (FastGpu fg = FastGpu.builder().home(tmp.resolve("home")).build()) {
            ModelRegistry reg = ModelRegistry.open(fg);
            reg.registerFile(ModelRef.parse("m"), model, "", "");
            assertThatThrownBy(() -> reg.registerFile(ModelRef.parse("m:v1"), model, "", ""))
                    .isInstanceOf(InvalidSpecException.class).hasMessage("model m:v1 exists already; versions are never overwritten:"
                            + " register it without ':v1' to make m:v2");
            assertThatThrownBy(() -> reg.registerFile(ModelRef.parse("m"), tmp.resolve("nope"), "", ""))
                    .hasMessage("no file " + tmp.resolve("nope") + "; pass the path of the model file to register");
            assertThatThrownBy(() -> ModelRef.parse("Gesture v1")).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("must be NAME or NAME:vN");
            assertThatThrownBy(() -> reg.show(ModelRef.parse("m:v7"))).isInstanceOf(NotFoundException.class)
                    .hasMessage("model m:v7 does not exist; m has v1");
            assertThatThrownBy(() -> reg.show(ModelRef.parse("other"))).isInstanceOf(NotFoundException.class)
                    .hasMessage("no model 'other'; 'fastgpu models list' shows the registered ones");

            // A stored file changed on disk: the download says so and leaves nothing behind.
            ModelRecord m = reg.show(ModelRef.parse("m:v1"));
            Files.write(reg.store().path(m.sha256()), bytes(11));
            assertThatThrownBy(() -> reg.download(ModelRef.parse("m:v1"), tmp.resolve("out")))
                    .isInstanceOf(FastGpuException.class).hasMessageContaining("model m:v1: checksum mismatch");
            try (var left = Files.list(tmp.resolve("out"))) {
                assertThat(left.toList()).isEmpty();
            }
        }
    }

    @Test
    void theStoreFolderComesFromConfigYaml() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("config.yaml"), "models: {store: " + tmp.resolve("nas/models") + "}\n");
        Path model = Files.write(tmp.resolve("m.bin"), bytes(10));
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            ModelRecord m = ModelRegistry.open(fg).registerFile(ModelRef.parse("m"), model, "", "");
            assertThat(tmp.resolve("nas/models/blobs/" + m.sha256().substring(0, 2) + "/" + m.sha256())).exists();
        }
        Files.writeString(home.resolve("config.yaml"), "models: [1, 2]\n");
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            assertThatThrownBy(() -> ModelRegistry.open(fg)).isInstanceOf(InvalidSpecException.class)
                    .hasMessage(home.resolve("config.yaml") + ": models must be a mapping such as {store: PATH}");
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }
}
