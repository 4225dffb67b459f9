package io.fastgpu.core.launch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where each downloaded path lands in the output folder. */
class DownloadsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            model.pth            | model.pth
            a/model.pth          | a/model.pth
            ./a//b/./model.pth   | a/b/model.pth
            ~/a/model.pth        | a/model.pth
            a/../b/model.pth     | b/model.pth
            /data/run/model.pth  | model.pth
            ../shared/model.pth  | model.pth
            logs/                | logs
            """)
    void aPathKeepsItsPlaceUnderTheHomeAndAnOutsideOneItsName(String remote, String local) {
        assertThat(Downloads.localPath(remote)).isEqualTo(local);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "~", "a/..", "/", " "})
    void aPathThatNamesNoFileIsRefused(String remote) {
        assertThatThrownBy(() -> Downloads.localPath(remote)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }
}
