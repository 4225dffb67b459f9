package io.fastgpu.dashboard;

import io.fastgpu.api.Instance;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.Launcher;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.RunRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (Debian's chromium, headless, driven through its chromium-driver) during a real
 * local launch: every page loads, the run's log lines and metric points arrive while it runs, a metric whose name is
 * markup shows as text, and each page is saved as a PNG (to target/screenshots, or to the folder named by the
 * {@code screenshots.dir} system property: the README's come from {@code -Dscreenshots.dir=../docs/screenshots}).
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String XSS_NAME = "<script>window.__xss=1</script><img src=x onerror=window.__xss=2>acc";

    private static Path home;
    private static Path work;
    private static FastGpu fastGpu;
    private static DashboardServer server;
    private static WebDriver browser;
    private static CompletableFuture<?> launch;
    private static Path screenshots;
    private static Path stopFile;

    @BeforeAll
    static void startLaunchServerAndBrowser() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (scripts/install-prereqs.sh installs them)");
        home = Files.createTempDirectory("dash-home");
        work = Files.createTempDirectory("dash-work");
        screenshots = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
        Files.createDirectories(screenshots);
        browser = startBrowser();
        fastGpu = FastGpu.builder().home(home).localBase(work).build();

        // An earlier run that failed, so that the runs page shows more than one state.
        Files.writeString(work.resolve("job.yaml"), "name: mnist-sweep\nsteps:\n"
                + "  - {name: prepare, run: 'echo preparing; sleep 0.3'}\n"
                + "  - {name: train, run: 'echo CUDA out of memory >&2; exit 3'}\n");
        new Launcher(fastGpu).launch(JobFileParser.parse(work.resolve("job.yaml")), false, work.resolve("out"));

        // The run the pages follow: a script that trains until the test has seen what it needs (at most 2 minutes),
        // printing a line and appending its metrics to $FASTGPU_METRICS_FILE at every step, then saves a model
        // that the job file registers.
        Path job = Files.createDirectories(work.resolve("train"));
        stopFile = work.resolve("stop-training");
        Files.writeString(job.resolve("train.py"), String.join("\n",
                "import json, math, os, sys, time",
                "stop, path = sys.argv[1], os.environ['FASTGPU_METRICS_FILE']",
                "os.makedirs(os.path.dirname(path), exist_ok=True)",
                "i = 0",
                "while not os.path.exists(stop) and i < 600:",
                "    i += 1",
                "    noise = math.sin(i * 1.7) * 0.03",
                "    loss = 2.3 * math.exp(-i / 25) + 0.1 + noise",
                "    acc = 0.95 - 0.85 * math.exp(-i / 20) + noise / 2",
                "    print(f'epoch {i // 10}  step {i}  loss {loss:.4f}  accuracy {acc:.4f}', flush=True)",
                "    with open(path, 'a') as f:",
                "        f.write(json.dumps({'metrics': {'loss': loss, 'accuracy': acc, 'images/s': 410 + 25 * math.sin(i / 3),",
                "                                        " + pythonString(XSS_NAME) + ": i}, 'epoch': i // 10, 'step': i}) + '\\n')",
                "    time.sleep(0.2)",
                "with open('model.pth', 'wb') as f:",
                "    f.write(os.urandom(48 * 1024))",
                ""));
        Files.writeString(job.resolve("job.yaml"), "name: gtc-demo\nupload: [train.py]\nsteps:\n"
                + "  - {name: prepare data, run: 'echo making 600 images; sleep 1; echo done'}\n"
                + "  - {name: training, run: \"python3 train.py '" + stopFile + "'\"}\n"
                + "  - {name: inference, run: 'echo you played rock; sleep 0.5'}\n"
                + "download: [model.pth]\n"
                + "register: {name: gesture, path: model.pth, framework: pytorch, description: rock paper scissors}\n");
        launch = CompletableFuture.runAsync(() -> new Launcher(fastGpu).launch(JobFileParser.parse(job), false, work.resolve("out")));
        await().atMost(Duration.ofSeconds(30)).until(() -> fastGpu.state().latestRun("gtc-demo"),
                r -> r.isPresent() && r.get().status().equals(RunRecord.RUNNING));
        server = DashboardServer.start(fastGpu, 0);
    }

    /** {@code text} as a Python string literal. */
    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static WebDriver startBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1360,1000", "--hide-scrollbars", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        try {
            return new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            Assumptions.abort("chromium cannot run here: " + e.getMessage().lines().findFirst().orElse(""));
            throw e;
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (stopFile != null && !Files.exists(stopFile)) Files.createFile(stopFile);
        if (browser != null) browser.quit();
        if (server != null) server.close();
        if (launch != null) {
            try {
                launch.get();
            } catch (Exception e) {
                // the launch's own outcome is not under test here
            }
        }
        if (fastGpu != null) {
            var local = fastGpu.provider("local");
            for (Instance i : local.list()) local.destroy(i.id());
            fastGpu.close();
        }
        for (Path dir : new Path[] {home, work}) {
            if (dir == null) continue;
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aRequestWithoutTheTokenIsRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/runs", "/instances", "/models", "/runs/1", "/runs/1/stream", "/static/run.js")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body().strip()).as(path).doesNotContain("\n").startsWith("403 Forbidden");
        }
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/runs?token=guess")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    void everyPageLoadsAndTheRunPageFollowsTheRunLive() throws Exception {
        browser.get(server.url());
        assertThat(browser.getCurrentUrl()).endsWith("/runs");
        assertThat(browser.findElement(By.id("runs")).getText()).contains("gtc-demo", "mnist-sweep", "failed");

        browser.get("http://127.0.0.1:" + server.port() + "/instances");
        assertThat(browser.findElement(By.id("instances")).getText()).contains("task0.gtc-demo", "running");
        screenshot("instances.png");

        long runId = fastGpu.state().latestRun("gtc-demo").orElseThrow().id();
        browser.get("http://127.0.0.1:" + server.port() + "/runs/" + runId);
        // Log lines arrive while the run goes on, in the task's own pane.
        await().atMost(Duration.ofSeconds(30)).until(() -> logText("task0").contains("epoch 3 "));
        int linesEarly = logLines("task0");
        await().atMost(Duration.ofSeconds(30)).until(() -> logLines("task0") > linesEarly + 3);
        // Chart points arrive and keep arriving.
        await().atMost(Duration.ofSeconds(30)).until(() -> points("loss") >= 5);
        int pointsEarly = points("loss");
        await().atMost(Duration.ofSeconds(30)).until(() -> points("loss") > pointsEarly + 3);
        assertThat(browser.findElements(By.cssSelector("figure.chart[data-metric='loss'] canvas"))).isNotEmpty();
        // The metric named with markup is shown as its text and nothing of it ran.
        WebElement xss = browser.findElements(By.cssSelector("figure.chart .chart-title")).stream()
                .filter(e -> e.getText().equals(XSS_NAME)).findFirst().orElseThrow(() -> new AssertionError(
                        "no chart titled with the markup name as text among " + titles()));
        assertThat(xss.findElements(By.tagName("img"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss === undefined")).isEqualTo(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> points("accuracy") >= 25);
        browser.manage().window().setSize(new Dimension(1360, 1640)); // the whole page: facts, phases, charts, logs
        screenshot("run.png");
        browser.manage().window().setSize(new Dimension(1360, 1000));

        // The run ends: the page says so and stops following, as 'logs -f' does.
        Files.createFile(stopFile);
        await().atMost(Duration.ofSeconds(60)).until(() -> "true".equals(browser.findElement(By.id("run")).getAttribute("data-ended")));
        assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("succeeded");
        assertThat(logText("task0")).contains("you played rock");

        browser.get("http://127.0.0.1:" + server.port() + "/runs");
        await().atMost(Duration.ofSeconds(60)).until(() -> !browser.findElement(By.id("runs")).getText().contains("running"),
                done -> { browser.navigate().refresh(); return done; });
        screenshot("runs.png");

        browser.get("http://127.0.0.1:" + server.port() + "/models");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Models");
        assertThat(browser.findElement(By.cssSelector("table.models")).getText()).contains("gesture:v1", "gtc-demo", "pytorch", "48.0 KiB");
        assertThat(browser.findElements(By.cssSelector("table.models th.metric")).stream().map(e -> e.getDomProperty("textContent")))
                .contains("loss", "accuracy", XSS_NAME);
        screenshot("models.png");
    }

    private static String logText(String task) {
        List<WebElement> pre = browser.findElements(By.cssSelector("pre.log[data-task='" + task + "']"));
        return pre.isEmpty() ? "" : (String) ((JavascriptExecutor) browser).executeScript("return arguments[0].textContent", pre.get(0));
    }

    private static int logLines(String task) {
        List<WebElement> pre = browser.findElements(By.cssSelector("pre.log[data-task='" + task + "']"));
        return pre.isEmpty() ? 0 : Integer.parseInt(pre.get(0).getAttribute("data-lines"));
    }

    private static int points(String metric) {
        List<WebElement> charts = browser.findElements(By.cssSelector("figure.chart[data-metric='" + metric + "']"));
        String n = charts.isEmpty() ? null : charts.get(0).getAttribute("data-points");
        return n == null ? 0 : Integer.parseInt(n);
    }

    private static List<String> titles() {
        return browser.findElements(By.cssSelector("figure.chart .chart-title")).stream().map(WebElement::getText).toList();
    }

    private static void screenshot(String name) throws IOException {
        Files.write(screenshots.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
