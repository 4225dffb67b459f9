package io.fastgpu.dashboard;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.ModelRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server without a browser: the token, a port in use, escaping of what the registry holds. */
class DashboardServerTest {
    @TempDir Path home;
    private FastGpu fastGpu;

    @BeforeEach
    void open() {
        fastGpu = FastGpu.builder().home(home).localBase(home).build();
    }

    @AfterEach
    void close() {
        fastGpu.close();
    }

    @Test
    void theTokenInTheAddressLetsInAndBecomesACookie() throws Exception {
        try (DashboardServer server = DashboardServer.start(fastGpu, 0, MetricRefresher.NONE, ModelsView.of(fastGpu))) {
            assertThat(server.url()).matches("http://127\\.0\\.0\\.1:" + server.port() + "/\\?token=[A-Za-z0-9_-]{32}");
            HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(server.url())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.body()).contains("<h1>Runs</h1>");
            // the cookie alone from then on
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/static/uPlot.iife.min.js")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */");
            HttpResponse<String> stranger = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/runs")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stranger.statusCode()).isEqualTo(403);
            assertThat(stranger.body()).isEqualTo(AccessGuard.REFUSAL + "\n");
        }
    }

    @Test
    void aPortInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> DashboardServer.start(fastGpu, taken.getLocalPort(), MetricRefresher.NONE, ModelsView.of(fastGpu)))
                    .isInstanceOf(FastGpuException.class)
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is in use; pick another with --port"
                            + " (or --port 0 for any free one)");
        }
    }

    @Test
    void modelAndMetricNamesAreShownAsText() throws Exception {
        ModelsView models = () -> List.of(new ModelRecord("<b>gesture</b>", 1, 7L, "gtc-demo", "", "", Map.of("<script>alert(1)</script>", 0.96),
                2048, "ab".repeat(32), "model.pth", "pytorch", "\"><img src=x>", "task0.gtc-demo:model.pth", Instant.now()));
        try (DashboardServer server = DashboardServer.start(fastGpu, 0, MetricRefresher.NONE, models)) {
            HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            http.send(HttpRequest.newBuilder(URI.create(server.url())).build(), HttpResponse.BodyHandlers.discarding());
            String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("&lt;b&gt;gesture&lt;/b&gt;:v1", "&lt;script&gt;alert(1)&lt;/script&gt;", "0.9600", "2.0 KiB",
                    "&quot;&gt;&lt;img src=x&gt;", "<a href=\"/runs/7\">gtc-demo</a>").doesNotContain("<b>gesture", "<script>alert", "<img");
        }
    }

    @Test
    void aRunsRecoveriesAreItsRestarts() throws Exception {
        long run = fastGpu.state().startRun("spot", "spot", "aliyun", "/root/fastgpu/runs/spot", "");
        for (int n = 1; n <= 2; n++) {
            fastGpu.state().appendEvent(run, io.fastgpu.core.managed.RecoveryRecord.EVENT,
                    new io.fastgpu.core.managed.RecoveryRecord(n, "task1", "reclaimed", System.currentTimeMillis(), 9_800, "epoch 7").describe());
        }
        fastGpu.state().appendEvent(run, "finished", "succeeded");
        try (DashboardServer server = DashboardServer.start(fastGpu, 0, MetricRefresher.NONE, List::of)) {
            HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            http.send(HttpRequest.newBuilder(URI.create(server.url())).build(), HttpResponse.BodyHandlers.discarding());
            String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/runs/" + run)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("<span id=\"run-restarts\">2</span>");
        }
    }
}
