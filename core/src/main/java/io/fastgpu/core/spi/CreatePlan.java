package io.fastgpu.core.spi;

import java.util.List;
import java.util.Map;

/**
 * What a provider will do to serve a list of {@link CreateRequest}s, decided by {@link Provider#validate}
 * without changing anything: the requests in order, and what the provider chose for them (zone, image,
 * hosts), for a dry run to print and for {@link Provider#create} to carry out.
 *
 * @param requests the machines to make, task0 first
 * @param details  the provider's decisions, readable (e.g. {@code zone=cn-hangzhou-i}); may be empty
 */
public record CreatePlan(List<CreateRequest> requests, Map<String, String> details) {
    public CreatePlan {
        requests = List.copyOf(requests);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** A plan that makes {@code requests} as asked, with nothing further decided. */
    public static CreatePlan of(List<CreateRequest> requests) { return new CreatePlan(requests, Map.of()); }

    public boolean isEmpty() { return requests.isEmpty(); }
}
