package io.fastgpu.emulator.aliyun;

import java.util.List;

/**
 * An SSH key pair as the cloud keeps it: the public half only.
 *
 * @param publicKey the OpenSSH public key line, e.g. {@code ssh-rsa AAAA...}
 * @param fingerPrint MD5 of the public key blob, colon-separated hex (RFC 4716 style)
 */
record KeyPairRecord(String keyPairName, String regionId, String keyPairId, String fingerPrint, String publicKey,
        String creationTime, List<Tag> tags) {

    KeyPairRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    KeyPairRecord withTags(List<Tag> newTags) {
        return new KeyPairRecord(keyPairName, regionId, keyPairId, fingerPrint, publicKey, creationTime, newTags);
    }
}
