package io.fastgpu.core.job;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where each downloaded path lands in the output folder. */
class DownloadLayoutTest {
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
        assertThat(DownloadLayout.localPath(remote)).isEqualTo(local);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "~", "a/..", "/", " "})
    void aPathThatNamesNoFileIsRefused(String remote) {
        assertThatThrownBy(() -> DownloadLayout.localPath(remote)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }
}
