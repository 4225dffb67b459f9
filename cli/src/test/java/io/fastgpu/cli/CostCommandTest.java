package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.core.cost.MonthlyBudget;
import io.fastgpu.core.state.StateStore;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code fastgpu cost} and the monthly budget on the emulated Alibaba Cloud (real SSH machines) and the local backend:
 * the spend of a short launch is its machine's running hours times the price 'ls' shows, per job, run and backend; a
 * month shows only its own hours; a launch or create past the budget buys nothing unless {@code --over-budget}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CostCommandTest {
    static final String SECRET = "cost-test-secret-" + System.nanoTime();
    /** ecs.g7.xlarge in the emulator's price list. */
    static final double HOURLY = 0.80;
    /** The bundled price table's price of a GiB of disk for an hour. */
    static final double DISK_GB_HOUR = 0.0014;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;
    EmulatedCloud cloud;
    Map<String, String> env;
    int homes;

    @BeforeAll
    void start() throws IOException {
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey("LTAI-cost", SECRET).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(300)).build(), 0, tmp.resolve("machines"), sshPort);
        env = new HashMap<>(cloud.environment("LTAI-cost", SECRET));
        env.put("USER", System.getProperty("user.name"));
    }

    @AfterAll
    void stop() {
        if (cloud != null) cloud.close();
    }

    Cli cli;

    /** Each test in a FastGPU home of its own, so that one test's spend is not another's. */
    private Cli freshCli() {
        Map<String, String> own = new HashMap<>(env);
        own.put("FASTGPU_ALIYUN_KEYPAIR", "fastgpu-cost-" + homes); // each home holds the private key of its own pair
        cli = new Cli(tmp.resolve("cli" + homes++)).env(own);
        return cli;
    }

    @AfterEach
    void cleanUp() {
        if (cli != null) cli.killAll();
    }

    private static JsonNode json(Cli.Result r) throws IOException {
        return JSON.readTree(r.expectExit(0).out());
    }

    private static double runningSpend(JsonNode instance) {
        return instance.get("spend").asDouble() - instance.get("disk_spend").asDouble();
    }

    private static JsonNode row(JsonNode array, String field, String value) {
        for (JsonNode n : array) if (n.path(field).asText().equals(value)) return n;
        throw new AssertionError("no " + field + " " + value + " in " + array);
    }

    @Test
    void aShortLaunchCostsItsRunningHoursTimesThePriceThatLsShows() throws IOException {
        Cli c = freshCli();
        String job = c.job("priced", """
                name: priced
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: off
                steps:
                  - {name: work, run: sleep 4}
                after: stop
                """);
        Instant before = Instant.now();
        c.run("launch", job, "--yes").expectExit(0);
        Instant after = Instant.now();
        String local = c.job("free", "name: free\nsteps: [{name: only, run: sleep 1}]\nafter: keep\n");
        c.run("launch", local).expectExit(0);

        JsonNode report = json(c.run("cost", "--json"));
        JsonNode machine = row(report.get("instances"), "name", "task0.priced");
        double hours = machine.get("running_hours").asDouble();
        // The cloud lists a machine's creation time to the minute: it may have started up to a minute before it was asked for.
        double launchHours = Duration.between(before, after).plusMinutes(1).toMillis() / 3_600_000.0;
        assertThat(hours).as("the machine ran for the step at least, and no longer than the launch")
                .isBetween(4 / 3600.0, launchHours);
        assertThat(machine.get("hourly_price").asDouble()).isEqualTo(HOURLY);
        // Stopped after its step: its disks (the system disk FastGPU bought) are charged at the table's price per GiB-hour.
        assertThat(machine.get("disk_gb").asInt()).isEqualTo(100);
        assertThat(machine.get("disk_spend").asDouble()).isCloseTo(machine.get("stopped_hours").asDouble() * 100 * DISK_GB_HOUR, within(1e-5))
                .isPositive();
        assertThat(machine.get("spend").asDouble()).isCloseTo(hours * HOURLY + machine.get("disk_spend").asDouble(), within(1e-5));
        double spend = machine.get("spend").asDouble();
        assertThat(spend).isPositive();
        assertThat(row(report.get("backends"), "backend", "aliyun").get("spend").asDouble()).isCloseTo(spend, within(1e-5));
        assertThat(row(report.get("jobs"), "job", "priced").get("spend").asDouble()).isCloseTo(spend, within(1e-5));
        JsonNode run = row(report.get("runs"), "job", "priced");
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        // The run is charged its machine's running hours; the disks of the machine stopped after it count to the job only.
        assertThat(run.get("spend").asDouble()).as("the run is charged its machine's hours")
                .isCloseTo(spend - machine.get("disk_spend").asDouble(), within(1e-5));
        assertThat(report.get("total").asDouble()).isCloseTo(spend, within(1e-5));
        JsonNode localBackend = row(report.get("backends"), "backend", "local");
        assertThat(localBackend.get("free").asBoolean()).isTrue();
        assertThat(localBackend.get("spend").asDouble()).isZero();
        assertThat(localBackend.get("running_hours").asDouble()).isPositive();

        Cli.Result table = c.run("cost").expectExit(0);
        assertThat(table.out()).contains("Backend", "aliyun", "local", "free", "priced", "task0.priced", "Total: ")
                .doesNotContain("stopped disks on aliyun");

        // 'ls' counts the same price, and the same hours for a running machine.
        c.run("start", "task0.priced").expectExit(0);
        // 'ls' counts running hours only: the machine's spend less what its disks cost while it stood stopped.
        double first = runningSpend(row(json(c.run("cost", "--json")).get("instances"), "name", "task0.priced"));
        String ls = c.run("ls").expectExit(0).out();
        double last = runningSpend(row(json(c.run("cost", "--json")).get("instances"), "name", "task0.priced"));
        var m = java.util.regex.Pattern.compile("Running cost: about 0\\.80 per hour; about ([0-9.]+) so far").matcher(ls);
        assertThat(m.find()).as(ls).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("ls's spend so far, between two reports of 'cost' (two digits shown)")
                .isBetween(first * 0.95, last * 1.05);
    }

    @Test
    void aMonthShowsOnlyItsOwnHours() throws IOException {
        Cli c = freshCli();
        c.run("ls").expectExit(0); // the state database, made as any command makes it
        YearMonth past = YearMonth.now().minusMonths(2);
        Instant started = MonthlyBudget.month(past)[0].plus(Duration.ofDays(9));
        try (StateStore store = StateStore.open(c.home())) {
            store.upsertInstances("aliyun", List.of(new Instance("i-old", "task0.old", "aliyun", InstanceState.RUNNING,
                    "ecs.g7.xlarge", "-", "", "10.0.0.9", started, Map.of("fastgpu:job", "old"))));
            store.recordInstanceState("aliyun", "i-old", InstanceState.TERMINATED, started.plus(Duration.ofHours(10)));
        }
        JsonNode then = json(c.run("cost", "--month", past.toString(), "--json"));
        assertThat(then.get("month").asText()).isEqualTo(past.toString());
        assertThat(row(then.get("instances"), "name", "task0.old").get("running_hours").asDouble()).isCloseTo(10, within(1e-6));
        assertThat(then.get("total").asDouble()).isCloseTo(10 * HOURLY, within(1e-6));
        assertThat(row(then.get("jobs"), "job", "old").get("spend").asDouble()).isCloseTo(10 * HOURLY, within(1e-6));

        JsonNode before = json(c.run("cost", "--month", past.minusMonths(1).toString(), "--json"));
        assertThat(before.get("instances")).isEmpty();
        assertThat(before.get("total").asDouble()).isZero();
        JsonNode now = json(c.run("cost", "--month", "--json"));
        assertThat(now.get("month").asText()).isEqualTo(YearMonth.now().toString());
        assertThat(now.get("total").asDouble()).isZero();
        assertThat(json(c.run("cost", "--json")).get("total").asDouble()).isCloseTo(10 * HOURLY, within(1e-6));
        assertThat(c.run("cost", "--month", past + " ").expectExit(0).out()).contains("Spend in " + past, "task0.old", "8.00");

        Cli.Result bad = c.run("cost", "--month", "2026-13");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().strip()).contains("--month: '2026-13' is not a month; write it as YYYY-MM").doesNotContain("\n");
    }

    @Test
    void aLaunchOrCreatePastTheMonthlyBudgetBuysNothingUnlessOverBudget() throws IOException {
        Cli c = freshCli();
        Files.createDirectories(c.home());
        Files.writeString(c.home().resolve("config.yaml"), "budget: {monthly: 0.5}\n");
        String job = c.job("big", """
                name: big
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: off
                steps:
                  - {name: work, run: echo worked}
                after: stop
                """);
        Cli.Result refused = c.run("launch", job, "--yes");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err().strip()).doesNotContain("\n")
                .contains("monthly budget 0.50 would be passed: 0.00 spent in " + YearMonth.now() + " so far + 0.80 estimated")
                .contains("0.80 per hour x one hour, as the job sets no max_duration or max_cost")
                .contains("--over-budget").contains("budget.monthly in " + c.home().resolve("config.yaml"));
        assertThat(cloud.api().instances()).as("nothing bought").isEmpty();

        Cli.Result create = c.run("create", "--name", "made", "--instance_type", "ecs.g7.xlarge", "--autostop", "off", "--yes");
        assertThat(create.exitCode()).as(create.toString()).isEqualTo(1);
        assertThat(create.err()).contains("monthly budget 0.50 would be passed").contains("creation of made");
        assertThat(cloud.api().instances()).as("nothing bought").isEmpty();

        // A deadline makes the estimate: 30 minutes at 0.80 fits in 0.50.
        String capped = c.job("capped", """
                name: capped
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: off
                max_duration: 30m
                steps:
                  - {name: work, run: echo worked}
                after: kill
                """);
        c.run("launch", capped, "--yes").expectExit(0);

        c.run("launch", job, "--yes", "--over-budget").expectExit(0);
        assertThat(cloud.api().instances()).hasSize(1);
        c.run("create", "--name", "made", "--instance_type", "ecs.g7.xlarge", "--autostop", "off", "--yes", "--over-budget")
                .expectExit(0);
        assertThat(cloud.api().instances()).hasSize(2);
        assertThat(c.run("cost", "--month").expectExit(0).out()).contains("Budget: 0.50 per month");
    }

    @Test
    void aBadBudgetIsOneLineNamingTheFileAndKey() throws IOException {
        Cli c = freshCli();
        Files.createDirectories(c.home());
        String job = c.job("bad", """
                name: bad
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                steps:
                  - {name: work, run: echo worked}
                """);
        for (String value : List.of("-3", "abc")) {
            Files.writeString(c.home().resolve("config.yaml"), "budget: {monthly: " + value + "}\n");
            Cli.Result r = c.run("launch", job, "--yes");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").contains(c.home().resolve("config.yaml").toString())
                    .contains("budget.monthly must be an amount of money of 0 or more, such as 200, not '" + value + "'");
            assertThat(cloud.api().instances()).as("nothing bought").isEmpty();
        }
    }
}
