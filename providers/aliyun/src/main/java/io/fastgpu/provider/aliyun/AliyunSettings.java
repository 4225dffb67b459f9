package io.fastgpu.provider.aliyun;

import io.fastgpu.core.util.PublicAddress;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.provider.aliyun.wire.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the {@code aliyun} backend is configured, read from the environment (the CLI's, or settings given to the
 * Java API). Credentials are not here: see {@link Credentials}.
 *
 * @param region        {@code ALIYUN_DEFAULT_REGION} (or {@code ALIBABA_CLOUD_REGION_ID}, or the CLI profile's)
 * @param zone          {@code ALIYUN_DEFAULT_ZONE}; empty to pick the first zone with stock
 * @param endpoint      {@code FASTGPU_ALIYUN_ENDPOINT}: one endpoint for ECS, VPC and NAS ({@code http://127.0.0.1:PORT}
 *                      for the emulator, or a private endpoint); empty for the public ones of the region
 * @param sshPort       {@code FASTGPU_ALIYUN_SSH_PORT}, 22 on the real cloud
 * @param keyPairName   {@code FASTGPU_ALIYUN_KEYPAIR}, default {@code fastgpu-$USER}
 * @param owner         who the machines are tagged as belonging to ({@code fastgpu:owner})
 * @param prefix        names of the shared network resources start with it ({@code fastgpu})
 * @param keyDir        where private keys are kept, one per region and key pair name
 * @param throttleBudget how long throttled calls are retried before giving up
 * @param publicIpUrl   {@code FASTGPU_PUBLIC_IP_URL}: a service answering the caller's public address, to open SSH to it;
 *                      empty when not set (then {@link PublicAddress#DEFAULT_URL}); the emulator exports its own
 * @param instanceRole  {@code FASTGPU_ALIYUN_INSTANCE_ROLE}: the instance RAM role machines are bought with, through which
 *                      a machine releases itself ({@code autostop: {down: true}}); empty for none (it can only stop itself)
 */
public record AliyunSettings(String region, String zone, String endpoint, int sshPort, String keyPairName, String owner,
                             String prefix, Path keyDir, Duration throttleBudget, String publicIpUrl,
                             String instanceRole) {

    public static final String DEFAULT_REGION = "cn-hangzhou";
    public static final String DEFAULT_INSTANCE_TYPE = "ecs.gn6v-c8g1.2xlarge";
    public static final String DEFAULT_IMAGE = "ubuntu_22_04";
    /** The environment variable naming the instance RAM role machines are bought with. */
    public static final String INSTANCE_ROLE = "FASTGPU_ALIYUN_INSTANCE_ROLE";

    static AliyunSettings from(Map<String, String> env, Path home, String configRegion) {
        String owner = first(env, "FASTGPU_OWNER", "USER", "LOGNAME");
        if (owner.isEmpty()) owner = System.getProperty("user.name", "user");
        owner = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String region = first(env, "ALIYUN_DEFAULT_REGION", "ALIBABA_CLOUD_REGION_ID");
        if (region.isEmpty()) region = configRegion == null || configRegion.isBlank() ? DEFAULT_REGION : configRegion;
        String port = first(env, "FASTGPU_ALIYUN_SSH_PORT");
        int sshPort;
        try {
            sshPort = port.isEmpty() ? 22 : Integer.parseInt(port);
            if (sshPort < 1 || sshPort > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("FASTGPU_ALIYUN_SSH_PORT must be a port number (1-65535), was '" + port + "'");
        }
        String keyPair = first(env, "FASTGPU_ALIYUN_KEYPAIR");
        if (keyPair.isEmpty()) keyPair = "fastgpu-" + owner;
        if (!keyPair.matches("[A-Za-z][A-Za-z0-9._:-]{1,127}")) {
            throw new InvalidSpecException("FASTGPU_ALIYUN_KEYPAIR '" + keyPair + "' is not a valid key pair name"
                    + " (2-128 letters, digits, '.', '_', ':' or '-', starting with a letter)");
        }
        String budget = first(env, "FASTGPU_ALIYUN_THROTTLE_SECONDS");
        Duration throttle = Duration.ofSeconds(budget.isEmpty() ? 120 : Long.parseLong(budget));
        String endpoint = first(env, "FASTGPU_ALIYUN_ENDPOINT");
        String ipUrl = first(env, "FASTGPU_PUBLIC_IP_URL");
        String role = first(env, INSTANCE_ROLE);
        if (!role.isEmpty() && !role.matches("[A-Za-z0-9.-]{1,64}")) {
            throw new InvalidSpecException(INSTANCE_ROLE + " '" + role + "' is not a RAM role name"
                    + " (1-64 letters, digits, '.' or '-')");
        }
        return new AliyunSettings(region.strip(), first(env, "ALIYUN_DEFAULT_ZONE", "ALIBABA_CLOUD_ZONE_ID"), endpoint, sshPort,
                keyPair, owner, "fastgpu", home.resolve("aliyun").resolve("keys"), throttle, ipUrl, role);
    }

    /** The private key of the key pair in this region. */
    Path privateKey() { return keyDir.resolve(region).resolve(keyPairName + ".pem"); }

    /** Where the API is reached. */
    Endpoint apiEndpoint() { return new Endpoint(region, endpoint, throttleBudget); }

    static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v.strip();
        }
        return "";
    }
}
