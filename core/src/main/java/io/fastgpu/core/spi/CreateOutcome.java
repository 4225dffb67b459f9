package io.fastgpu.core.spi;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What {@link Provider#create} did: the machines made, the ones that could not be made and why, and
 * the ones released again because the whole could not be made.
 *
 * @param made          machines that exist now, in the plan's order
 * @param failed        requests that failed, with the cause
 * @param releasedAgain names of machines this call made and then removed because others failed
 */
public record CreateOutcome(List<Instance> made, List<Failure> failed, List<String> releasedAgain) {
    /** One machine that could not be made. */
    public record Failure(String name, RuntimeException cause) { }

    public CreateOutcome {
        made = List.copyOf(made);
        failed = List.copyOf(failed);
        releasedAgain = List.copyOf(releasedAgain);
    }

    public static CreateOutcome of(List<Instance> made) { return new CreateOutcome(made, List.of(), List.of()); }

    public boolean ok() { return failed.isEmpty(); }

    /** The machines made, or the first failure as one line that also says what was removed again. */
    public List<Instance> orThrow() {
        if (ok()) return made;
        Failure f = failed.get(0);
        String more = failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : "";
        String released = releasedAgain.isEmpty() ? "" : "; removed again what this call made: " + String.join(", ", releasedAgain);
        if (released.isEmpty() && failed.size() == 1 && made.isEmpty()) throw f.cause();
        throw new FastGpuException(f.name() + " could not be created" + more + ": " + f.cause().getMessage() + released, f.cause());
    }

    /**
     * Makes the plan's machines one after the other, in order, with {@code createOne}; when one fails,
     * removes those made so far with {@code destroy} and stops. For providers that cannot batch.
     */
    public static CreateOutcome oneByOne(CreatePlan plan, Function<CreateRequest, Instance> createOne, Consumer<Instance> destroy) {
        java.util.ArrayList<Instance> made = new java.util.ArrayList<>();
        for (CreateRequest r : plan.requests()) {
            try {
                made.add(createOne.apply(r));
            } catch (RuntimeException e) {
                List<String> released = new java.util.ArrayList<>();
                for (Instance i : made) {
                    try {
                        destroy.accept(i);
                        released.add(i.name());
                    } catch (RuntimeException ignored) {
                        // still there: not listed as released, so the caller knows it may be left
                    }
                }
                List<Instance> left = made.stream().filter(i -> !released.contains(i.name())).toList();
                return new CreateOutcome(left, List.of(new Failure(r.name(), e)), released);
            }
        }
        return of(made);
    }
}
