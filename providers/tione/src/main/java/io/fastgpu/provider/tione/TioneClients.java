package io.fastgpu.provider.tione;

import io.fastgpu.provider.tione.wire.CosCalls;
import io.fastgpu.provider.tione.wire.TioneCalls;

/** The two SDK clients, made on first use from the settings (so an unconfigured backend costs nothing). */
final class TioneClients implements AutoCloseable {
    private final TioneSettings settings;
    private TioneCalls api;
    private CosCalls cos;

    TioneClients(TioneSettings settings) { this.settings = settings; }

    synchronized TioneCalls api() {
        settings.requireCredentials();
        if (api == null) {
            api = new TioneCalls(settings.secretId(), settings.secretKey(), settings.region(), settings.endpoint(),
                    settings.endpoint() != null);
        }
        return api;
    }

    synchronized CosCalls cos() {
        settings.requireCredentials();
        if (cos == null) cos = new CosCalls(settings.secretId(), settings.secretKey(), settings.region(), settings.endpoint());
        return cos;
    }

    @Override
    public synchronized void close() {
        if (cos != null) cos.close();
    }
}
