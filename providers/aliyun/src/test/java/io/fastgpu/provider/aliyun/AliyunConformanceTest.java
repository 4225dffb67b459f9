package io.fastgpu.provider.aliyun;

import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The conformance suite every backend passes, against the emulated cloud through the official SDKs and real SSH. */
class AliyunConformanceTest extends ProviderConformanceSuite {
    @TempDir static Path cloudDir;
    static CloudFixture fixture;

    @BeforeAll
    static void startCloud() { fixture = new CloudFixture(cloudDir); }

    @AfterAll
    static void stopCloud() { if (fixture != null) fixture.close(); }

    @Override
    protected Provider createProvider(Path scratch) { return fixture.provider(cloudDir.resolve("home")); /* one home: the key pair is made once */ }
}
