package io.fastgpu.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code fastgpu ui}: prints its address with the token, serves until Ctrl-C, and says so in one line when it cannot. */
class UiCommandTest {
    private static final Pattern ADDRESS = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/\\?token=\\S+");

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @Test
    void servesWithItsTokenUntilCtrlC() throws Exception {
        try (ForkedCli ui = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "ui", "--port", "0")) {
            assertThat(ui.awaitLine("FastGPU dashboard: http://127.0.0.1:", Duration.ofSeconds(60))).as(ui.output()).isTrue();
            Matcher m = ADDRESS.matcher(ui.output());
            assertThat(m.find()).as(ui.output()).isTrue();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .cookieHandler(new java.net.CookieManager()).build();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(m.group())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h1>Runs</h1>", "No runs yet");
            String runs = "http://127.0.0.1:" + m.group(1) + "/runs";
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runs)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

            ui.signal("INT");
            assertThat(ui.awaitExit(30_000)).as(ui.output()).isTrue();
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runs)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = cli.run("ui", "--port", String.valueOf(taken.getLocalPort())).expectExit(1);
            assertThat(r.err().strip()).isEqualTo("error: port " + taken.getLocalPort() + " on 127.0.0.1 is in use;"
                    + " pick another with --port (or --port 0 for any free one)");
        }
        cli.run("ui", "--port", "70000").expectExit(2);
    }
}
