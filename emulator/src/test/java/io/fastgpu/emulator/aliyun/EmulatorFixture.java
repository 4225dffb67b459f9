package io.fastgpu.emulator.aliyun;

import com.aliyun.ecs20140526.Client;
import com.aliyun.teaopenapi.models.Config;

/** Builds official SDK clients aimed at a running emulator. */
final class EmulatorFixture {
  static final String KEY_ID = "LTAI-emulator-test";
  static final String SECRET = "emulator-test-secret";
  static final String REGION = "cn-hangzhou";

  private EmulatorFixture() {}

  static EmulatorConfig.Builder config() {
    return EmulatorConfig.builder().accessKey(KEY_ID, SECRET);
  }

  /** A client using the SDK's default signature (ACS3-HMAC-SHA256). */
  static Client client(AliyunEmulator emulator) throws Exception {
    return client(emulator, KEY_ID, SECRET, null);
  }

  /**
   * @param signatureAlgorithm null for the default (ACS3); {@code "v2"} makes the SDK fall back to
   *     the RPC v1 HMAC-SHA1 signature
   */
  static Client client(AliyunEmulator emulator, String keyId, String secret, String signatureAlgorithm)
      throws Exception {
    Config config = new Config()
        .setAccessKeyId(keyId)
        .setAccessKeySecret(secret)
        .setRegionId(REGION)
        .setEndpoint(emulator.endpoint())
        .setProtocol("http");
    if (signatureAlgorithm != null) {
      config.setSignatureAlgorithm(signatureAlgorithm);
    }
    return new Client(config);
  }
}
