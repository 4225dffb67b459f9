package io.fastgpu.provider.aliyun;

import com.aliyun.ecs20140526.models.CreateKeyPairRequest;
import com.aliyun.ecs20140526.models.DescribeKeyPairsRequest;
import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The key pair {@code fastgpu-$USER} of a region. Alibaba Cloud shows a private key once, when the pair is made,
 * so it is written at once, mode 0400, and a pair whose private key is not here is reported with the way out.
 */
final class KeyPairs {
    private final CloudApi api;
    private final EventListener events;
    private final AliyunSettings settings;
    private volatile boolean ready;

    KeyPairs(CloudApi api, EventListener events, AliyunSettings settings) {
        this.api = api;
        this.events = events;
        this.settings = settings;
    }

    /** Makes sure the key pair exists in the region and its private key is on this machine; returns its name. */
    synchronized String ensure() {
        if (ready) return settings.keyPairName();
        String name = settings.keyPairName();
        Path key = settings.privateKey();
        var body = api.call("DescribeKeyPairs", () -> api.ecs().describeKeyPairs(new DescribeKeyPairsRequest()
                .setRegionId(api.region()).setKeyPairName(name).setPageSize(50))).getBody();
        boolean exists = body.getKeyPairs() != null && body.getKeyPairs().getKeyPair() != null
                && body.getKeyPairs().getKeyPair().stream().anyMatch(k -> name.equals(k.getKeyPairName()));
        if (exists) {
            if (!Files.isRegularFile(key)) {
                throw new FastGpuException("key pair " + name + " exists in " + api.region() + " but its private key is not at "
                        + key + " (Alibaba Cloud shows a private key only once): copy it there from the machine that made it,"
                        + " or set FASTGPU_ALIYUN_KEYPAIR to a new name to make a fresh pair");
            }
            ready = true;
            return name;
        }
        events.on(new Event.Notice(Event.Level.INFO, "Creating key pair " + name + "; its private key goes to " + key));
        String pem = api.call("CreateKeyPair", () -> api.ecs().createKeyPair(new CreateKeyPairRequest()
                .setRegionId(api.region()).setKeyPairName(name))).getBody().getPrivateKeyBody();
        write(key, pem);
        ready = true;
        return name;
    }

    /** Writes the key whole or not at all, readable by its owner only. */
    private static void write(Path key, String pem) {
        try {
            Files.createDirectories(key.getParent());
            Path tmp = Files.createTempFile(key.getParent(), ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, pem.endsWith("\n") ? pem : pem + "\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
            Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new FastGpuException("cannot save the private key to " + key + ": " + e.getMessage()
                    + "; delete the key pair in the console (or set FASTGPU_ALIYUN_KEYPAIR) and try again");
        }
    }
}
