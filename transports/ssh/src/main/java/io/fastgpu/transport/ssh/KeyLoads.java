package io.fastgpu.transport.ssh;

import io.fastgpu.core.util.FileVersion;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Private key files being read for connections made at the same time: 16 hosts' connections opened at once read and
 * decode their key file once, not 16 times. A file is shared only while unchanged (inode, size, modification time),
 * and forgotten as soon as the last connection that asked for it is made: the keys then live only in the connections
 * that logged in with them, as before.
 */
final class KeyLoads {
    private static final class Load {
        final CompletableFuture<List<KeyPair>> keys = new CompletableFuture<>();
        int users;
    }

    /** The keys of one file for one connection; {@link #close} once the connection no longer needs them from here. */
    interface Lease extends AutoCloseable {
        List<KeyPair> keys();

        @Override void close();
    }

    /** By file and its version. */
    private final Map<Map.Entry<Path, FileVersion>, Load> loads = new HashMap<>();

    /** The keys in {@code file}: read by {@code reader}, unless a connection being made now has them already. */
    Lease acquire(Path file, Function<Path, List<KeyPair>> reader) {
        FileVersion version = FileVersion.of(file);
        if (version == null) {
            List<KeyPair> keys = reader.apply(file); // says what is wrong with the file
            return lease(keys, () -> { });
        }
        Map.Entry<Path, FileVersion> key = Map.entry(file.toAbsolutePath(), version);
        Load load;
        boolean first;
        synchronized (loads) {
            load = loads.computeIfAbsent(key, k -> new Load());
            first = load.users++ == 0;
        }
        Runnable release = () -> {
            synchronized (loads) {
                if (--load.users == 0) loads.remove(key, load);
            }
        };
        try {
            if (first) {
                try {
                    load.keys.complete(reader.apply(file));
                } catch (RuntimeException | Error e) {
                    load.keys.completeExceptionally(e);
                    throw e;
                }
            }
            return lease(load.keys.join(), release);
        } catch (CompletionException e) {
            release.run();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
    }

    /** How many files are held now (for tests). */
    int held() {
        synchronized (loads) {
            return loads.size();
        }
    }

    private static Lease lease(List<KeyPair> keys, Runnable release) {
        return new Lease() {
            private boolean closed;

            @Override public List<KeyPair> keys() { return keys; }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    release.run();
                }
            }
        };
    }
}
