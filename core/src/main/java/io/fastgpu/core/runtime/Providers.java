package io.fastgpu.core.runtime;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.core.spi.ProviderFactory;
import io.fastgpu.core.util.Suggest;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The backends on the class path, made once each on first use. */
public final class Providers implements AutoCloseable {
    private final Map<String, ProviderFactory> factories = new TreeMap<>();
    private final Map<String, Provider> made = new ConcurrentHashMap<>();
    private final ProviderContext context;

    public Providers(ProviderContext context) {
        this.context = context;
        for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class, Providers.class.getClassLoader())) {
            factories.put(f.name(), f);
        }
    }

    public java.util.Set<String> names() { return java.util.Collections.unmodifiableSet(factories.keySet()); }

    public Provider get(String name) {
        ProviderFactory f = factories.get(name);
        if (f == null) {
            String hint = Suggest.closest(name, factories.keySet()).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("unknown backend '" + name + "'" + hint + "; available: "
                    + String.join(", ", factories.keySet()));
        }
        return made.computeIfAbsent(name, n -> f.create(context));
    }

    @Override
    public void close() {
        made.values().forEach(Provider::close);
    }
}
