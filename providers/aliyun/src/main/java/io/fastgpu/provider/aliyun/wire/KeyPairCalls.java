package io.fastgpu.provider.aliyun.wire;

import com.aliyun.ecs20140526.models.DescribeKeyPairsRequest;
import com.aliyun.ecs20140526.models.ImportKeyPairRequest;

/** The SSH key pairs of the region. */
public final class KeyPairCalls {
    private final CloudApi api;

    public KeyPairCalls(CloudApi api) { this.api = api; }

    public boolean exists(String name) {
        var body = api.call("DescribeKeyPairs", () -> api.ecs().describeKeyPairs(new DescribeKeyPairsRequest()
                .setRegionId(api.region()).setKeyPairName(name).setPageSize(50))).getBody();
        return body.getKeyPairs() != null && body.getKeyPairs().getKeyPair() != null
                && body.getKeyPairs().getKeyPair().stream().anyMatch(k -> name.equals(k.getKeyPairName()));
    }

    /** Registers a public key ({@code ssh-rsa AAAA...}) as the pair {@code name}. */
    public void importPublicKey(String name, String publicKey, java.util.Map<String, String> tags) {
        java.util.List<ImportKeyPairRequest.ImportKeyPairRequestTag> t = new java.util.ArrayList<>();
        tags.forEach((k, v) -> t.add(new ImportKeyPairRequest.ImportKeyPairRequestTag().setKey(k).setValue(v)));
        api.call("ImportKeyPair", () -> api.ecs().importKeyPair(new ImportKeyPairRequest()
                .setRegionId(api.region()).setKeyPairName(name).setPublicKeyBody(publicKey).setTag(t)));
    }
}
