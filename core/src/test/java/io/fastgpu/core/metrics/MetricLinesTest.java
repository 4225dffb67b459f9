package io.fastgpu.core.metrics;

import io.fastgpu.core.job.MetricRule;
import io.fastgpu.core.runtime.MetricsFiles;
import io.fastgpu.core.state.MetricPoint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What a script reports, turned into points; bad values skipped and counted, never thrown. */
class MetricLinesTest {
    private static final MetricsFiles.Source SRC = new MetricsFiles.Source(1, 2, "train");
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);

    @Test
    void nestedAndFlatLinesGiveTheirPointsWithEpochStepAndTime() {
        MetricProblems problems = new MetricProblems();
        List<MetricPoint> nested = MetricLines.ofJson("{\"metrics\": {\"acc1\": 0.71, \"loss\": 2}, \"epoch\": 3, \"step\": 1200,"
                + " \"timestamp\": 1764450000.5, \"source\": \"push\"}", 7, SRC, "file/x/0", NOW, problems);
        assertThat(nested).extracting(MetricPoint::name, MetricPoint::value, MetricPoint::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("acc1", 0.71, "file/x/0/acc1"),
                        org.assertj.core.groups.Tuple.tuple("loss", 2.0, "file/x/0/loss"));
        MetricPoint p = nested.get(0);
        assertThat(p.epoch()).isEqualTo(3);
        assertThat(p.stepNo()).isEqualTo(1200L);
        assertThat(p.at()).isEqualTo(Instant.ofEpochMilli(1_764_450_000_500L));
        assertThat(p.source()).isEqualTo("push");
        assertThat(p.task()).isEqualTo(1);
        assertThat(p.restart()).isEqualTo(2);
        assertThat(p.step()).isEqualTo("train");

        List<MetricPoint> flat = MetricLines.ofJson("{\"throughput\": 1234.5, \"epoch\": 1, \"<b>x y</b>\": 3}", 7, SRC, "k", NOW, problems);
        assertThat(flat).extracting(MetricPoint::name).containsExactly("throughput", "<b>x y</b>");
        assertThat(flat.get(0).at()).isEqualTo(NOW);
        assertThat(flat.get(0).source()).isEqualTo("file");
        assertThat(problems.summary()).isEmpty();
    }

    @Test
    void badValuesAreSkippedCountedAndToldOncePerKind() {
        MetricProblems problems = new MetricProblems();
        assertThat(MetricLines.ofJson("{\"a\": \"high\", \"b\": true, \"c\": null, \"d\": NaN, \"e\": -Infinity, \"f\": 1e999,"
                + " \"\": 1, \"ok\": 1}", 1, SRC, "k", NOW, problems)).extracting(MetricPoint::name).containsExactly("ok");
        assertThat(MetricLines.ofJson("not json", 1, SRC, "k", NOW, problems)).isEmpty();
        assertThat(MetricLines.ofJson("[1, 2]", 1, SRC, "k", NOW, problems)).isEmpty();
        assertThat(problems.count(MetricProblems.Kind.NOT_A_NUMBER)).isEqualTo(3);
        assertThat(problems.count(MetricProblems.Kind.NOT_FINITE)).isEqualTo(3);
        assertThat(problems.count(MetricProblems.Kind.NOT_JSON)).isEqualTo(2);
        assertThat(problems.count(MetricProblems.Kind.BAD_NAME)).isEqualTo(1);
        assertThat(problems.untold()).hasSize(4).first().asString().startsWith("metrics: skipping values that are not numbers (first: 'a'");
        assertThat(problems.untold()).as("told once").isEmpty();
        assertThat(problems.summary()).contains("metrics: 3 NaN or infinite values skipped (first: 'd' = NaN in task1 step 'train')");
    }

    @Test
    void regexesReadTheFirstGroupAndSkipWhatIsNotAFiniteNumber() {
        MetricProblems problems = new MetricProblems();
        List<MetricRule> rules = List.of(new MetricRule("acc1", Pattern.compile("Acc@1 (\\S+)")), new MetricRule("n", Pattern.compile("(?<=n=)\\d+")));
        assertThat(MetricLines.ofOutput(rules, "epoch 3 Acc@1 0.71 n=3", 1, 0, 0, "train", "regex/0/0/train/5", NOW, problems))
                .extracting(MetricPoint::name, MetricPoint::value, MetricPoint::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("acc1", 0.71, "regex/0/0/train/5/acc1"),
                        org.assertj.core.groups.Tuple.tuple("n", 3.0, "regex/0/0/train/5/n"));
        assertThat(MetricLines.ofOutput(rules, "Acc@1 NaN", 1, 0, 0, "train", "k", NOW, problems)).isEmpty();
        assertThat(MetricLines.ofOutput(rules, "Acc@1 high", 1, 0, 0, "train", "k", NOW, problems)).isEmpty();
        assertThat(problems.count(MetricProblems.Kind.NOT_FINITE)).isEqualTo(1);
        assertThat(problems.count(MetricProblems.Kind.NOT_A_NUMBER)).isEqualTo(1);
    }

    @Test
    void metricsFileNamesSayTaskRestartAndAnyStepName() {
        String path = MetricsFiles.path("/runs/x", 3, 1, "make data/v2.é");
        String name = path.substring(path.lastIndexOf('/') + 1);
        assertThat(path).startsWith("/runs/x/metrics/task3.r1.");
        assertThat(name).matches("[A-Za-z0-9%._-]+");
        assertThat(MetricsFiles.parse(name)).contains(new MetricsFiles.Source(3, 1, "make data/v2.é"));
        assertThat(MetricsFiles.parse("task0.r0.jsonl")).contains(new MetricsFiles.Source(0, 0, ""));
        assertThat(MetricsFiles.parse("notes.txt")).isEmpty();
    }
}
