package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    @TempDir Path home;

    @Test
    void theSeedsVariablesComeFirst() {
        Credentials c = Credentials.resolve(Map.of("ALIYUN_ACCESS_KEY_ID", "id1", "ALIYUN_ACCESS_KEY_SECRET", "s1",
                "ALIBABA_CLOUD_ACCESS_KEY_ID", "id2", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s2"), home);
        assertThat(c.accessKeyId()).isEqualTo("id1");
        assertThat(c.source()).isEqualTo("ALIYUN_ACCESS_KEY_ID");
        assertThat(c.toString()).contains("id1").doesNotContain("s1");
    }

    @Test
    void theAlibabaCloudVariablesAreTheSecondChoice() {
        Credentials c = Credentials.resolve(Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "id2", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s2"), home);
        assertThat(c.accessKeyId()).isEqualTo("id2");
    }

    @Test
    void theCliProfileIsRead() throws Exception {
        Files.createDirectories(home.resolve(".aliyun"));
        Files.writeString(home.resolve(".aliyun/config.json"), """
                {"current": "work", "profiles": [
                  {"name": "default", "mode": "AK", "access_key_id": "idD", "access_key_secret": "sD", "region_id": "cn-beijing"},
                  {"name": "work", "mode": "AK", "access_key_id": "idW", "access_key_secret": "sW", "region_id": "cn-shanghai"}]}
                """);
        Credentials c = Credentials.resolve(Map.of(), home);
        assertThat(c.accessKeyId()).isEqualTo("idW");
        assertThat(c.region()).isEqualTo("cn-shanghai");
        assertThat(Credentials.resolve(Map.of("ALIBABA_CLOUD_PROFILE", "default"), home).accessKeyId()).isEqualTo("idD");
        assertThat(AliyunSettings.from(Map.of(), home, c.region()).region()).isEqualTo("cn-shanghai");
        assertThat(AliyunSettings.from(Map.of("ALIYUN_DEFAULT_REGION", "cn-beijing"), home, c.region()).region()).isEqualTo("cn-beijing");
    }

    @Test
    void whenNothingWorksOneLineListsWhatWasTried() {
        assertThatThrownBy(() -> Credentials.resolve(Map.of("ALIYUN_ACCESS_KEY_ID", "only-the-id"), home))
                .isInstanceOf(FastGpuException.class)
                .hasMessageContaining("ALIYUN_ACCESS_KEY_ID/ALIYUN_ACCESS_KEY_SECRET (ALIYUN_ACCESS_KEY_SECRET is not set)")
                .hasMessageContaining("ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET (not set)")
                .hasMessageContaining("~/.aliyun/config.json (absent)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aBrokenOrNonAkProfileIsNamed() throws Exception {
        Files.createDirectories(home.resolve(".aliyun"));
        Files.writeString(home.resolve(".aliyun/config.json"), "{ not json");
        assertThatThrownBy(() -> Credentials.resolve(Map.of(), home)).hasMessageContaining("(not valid JSON)");
        Files.writeString(home.resolve(".aliyun/config.json"), """
                {"current": "default", "profiles": [{"name": "default", "mode": "StsToken", "access_key_id": "a", "access_key_secret": "b"}]}""");
        assertThatThrownBy(() -> Credentials.resolve(Map.of(), home)).hasMessageContaining("uses mode StsToken")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(" b "));
    }
}
