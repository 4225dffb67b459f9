package io.fastgpu.dashboard;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.state.EventRecord;
import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Reads what the runs pages show of a run from the state store (and, for the cost, the backend's prices). */
final class RunFacts {
    /** The event kind a recovered run records at each restart. */
    static final String RESTART_EVENT = io.fastgpu.core.managed.RecoveryRecord.EVENT;

    private final FastGpu fastGpu;

    RunFacts(FastGpu fastGpu) {
        this.fastGpu = fastGpu;
    }

    RunSummary summary(RunRecord run, Instant now) {
        StateStore state = fastGpu.state();
        Instant end = run.finishedAt() == null ? now : run.finishedAt();
        Duration elapsed = Duration.between(run.startedAt(), end);
        if (elapsed.isNegative()) elapsed = Duration.ZERO;
        int restarts = (int) state.events(run.id()).stream().map(EventRecord::kind).filter(RESTART_EVENT::equals).count();
        return new RunSummary(run, state.steps(run.id()), elapsed, restarts, cost(run, elapsed));
    }

    /** The job's machines on a charging backend, each at its hourly price, for as long as the run took. */
    private Double cost(RunRecord run, Duration elapsed) {
        Optional<Pricing> pricing;
        try {
            var provider = fastGpu.provider(run.backend());
            if (!provider.capabilities().costsMoney()) return null;
            pricing = provider.capabilities().facet(Pricing.class);
        } catch (FastGpuException e) {
            return null;
        }
        if (pricing.isEmpty()) return null;
        double hourly = 0;
        for (Instance i : fastGpu.state().instances(run.backend())) {
            if (!run.job().equals(i.tags().get(Tags.JOB))) continue;
            try {
                hourly += pricing.get().hourlyPrice(new Resources(i.instanceType(), "", i.tags().containsKey("aliyun:spot"), 100), 1);
            } catch (FastGpuException e) {
                return null;
            }
        }
        return hourly * elapsed.toMillis() / 3_600_000.0;
    }
}
