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

    /**
     * The machines made; or, when some could not be made, one line naming each failure, what was released
     * again, and what could not be released (to release by hand). A lone failure with nothing made is
     * rethrown as it was.
     */
    public List<Instance> orThrow() {
        if (ok()) return made;
        if (failed.size() == 1 && made.isEmpty() && releasedAgain.isEmpty()) throw failed.get(0).cause();
        int total = made.size() + failed.size() + releasedAgain.size();
        String msg = failed.size() + " of " + total + " instance(s) could not be created: "
                + String.join("; ", failed.stream().map(f -> f.name() + ": " + f.cause().getMessage()).toList())
                + (releasedAgain.isEmpty() ? "" : ". Released again the ones this launch made, so nothing is left running: "
                + String.join(", ", releasedAgain))
                + (made.isEmpty() ? "" : ". COULD NOT RELEASE, release by hand ('fastgpu kill'): "
                + String.join(", ", made.stream().map(i -> i.name() + " (" + i.id() + ")").toList()));
        RuntimeException first = failed.get(0).cause();
        throw first instanceof io.fastgpu.api.InvalidSpecException ? new io.fastgpu.api.InvalidSpecException(msg)
                : new FastGpuException(msg, first);
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
