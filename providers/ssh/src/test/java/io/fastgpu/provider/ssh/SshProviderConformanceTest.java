package io.fastgpu.provider.ssh;

/** The ssh backend passes the suite every provider must pass, on OpenSSH test hosts (root only). */
class SshProviderConformanceTest extends FleetConformanceSuite {
    @Override
    protected FleetHosts hosts() { return NamespaceHosts.require(3); }
}
