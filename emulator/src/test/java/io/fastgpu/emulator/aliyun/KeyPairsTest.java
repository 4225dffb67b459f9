package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static io.fastgpu.emulator.aliyun.EmulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.CreateKeyPairRequest;
import com.aliyun.ecs20140526.models.CreateKeyPairResponseBody;
import com.aliyun.ecs20140526.models.DeleteKeyPairsRequest;
import com.aliyun.ecs20140526.models.DescribeKeyPairsRequest;
import com.aliyun.ecs20140526.models.DescribeKeyPairsResponseBody;
import com.aliyun.ecs20140526.models.ImportKeyPairRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.tea.TeaException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SSH key pairs through the official ECS SDK. */
class KeyPairsTest {
    /** A well-formed OpenSSH RSA public key line made for these tests (no private half exists). */
    private static final String IMPORTED = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQChcLM4OSYwWfKMEF0fsXwjkMGSz9OslK8PId22b"
            + "K1KJo0Rbs4XOPfZPZwXJBHiC49rDVSbbwNnWhYAo1oJmVDYNvZ1zIHnTvXo4l2UDtkEdZUxmF1dncn4GBjoEYkvkCvSPwgkEosvMwxcf9"
            + "Cmo6RQZRMnDiaeDTfyp03kUua0OQ== tests@fastgpu";

    private AliyunEmulator emulator;
    private Client ecs;

    @BeforeEach
    void start() throws Exception {
        emulator = new AliyunEmulator(EmulatorFixture.config().build()).start();
        ecs = EmulatorFixture.client(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void createdPrivateKeyIsAUsablePkcs8PemMatchingTheKeptPublicKey() throws Exception {
        CreateKeyPairResponseBody created = ecs.createKeyPair(new CreateKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("fastgpu")).getBody();

        assertThat(created.getKeyPairName()).isEqualTo("fastgpu");
        assertThat(created.getKeyPairFingerPrint()).matches("([0-9a-f]{2}:){15}[0-9a-f]{2}");
        // The API documents the private key as PEM-encoded PKCS#8: "-----BEGIN PRIVATE KEY-----".
        String pem = created.getPrivateKeyBody();
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(der));
        assertThat(key.getModulus().bitLength()).isEqualTo(2048);

        // The emulator keeps only the OpenSSH public key; it is the private key's other half.
        String line = emulator.publicKeyOf("fastgpu", REGION).orElseThrow();
        assertThat(line).startsWith("ssh-rsa AAAA");
        BigInteger[] eAndN = rsaPublicKey(line);
        assertThat(eAndN[0]).isEqualTo(key.getPublicExponent());
        assertThat(eAndN[1]).isEqualTo(key.getModulus());
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(eAndN[1], eAndN[0])));
        verifier.update(data);
        assertThat(verifier.verify(signature)).isTrue();

        DescribeKeyPairsResponseBody described = ecs.describeKeyPairs(new DescribeKeyPairsRequest().setRegionId(REGION)
                .setKeyPairName("fastgpu").setIncludePublicKey(true)).getBody();
        assertThat(described.getKeyPairs().getKeyPair()).singleElement().satisfies(k -> {
            assertThat(k.getKeyPairFingerPrint()).isEqualTo(created.getKeyPairFingerPrint());
            assertThat(k.getPublicKey()).isEqualTo(line);
        });
        assertThat(emulator.publicKeyOf("fastgpu", "cn-beijing")).isEmpty();
    }

    /** {e, n} of an {@code ssh-rsa} line. */
    private static BigInteger[] rsaPublicKey(String line) {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(line.split(" ")[1]));
        BigInteger[] out = new BigInteger[3];
        for (int i = 0; i < 3; i++) {
            byte[] field = new byte[blob.getInt()];
            blob.get(field);
            out[i] = new BigInteger(field);
        }
        return new BigInteger[] {out[1], out[2]};
    }

    @Test
    void importsDescribesAndDeletes() throws Exception {
        var imported = ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION).setKeyPairName("laptop")
                .setPublicKeyBody(IMPORTED)).getBody();
        assertThat(imported.getKeyPairName()).isEqualTo("laptop");
        assertThat(imported.getKeyPairFingerPrint()).matches("([0-9a-f]{2}:){15}[0-9a-f]{2}");
        assertThat(emulator.publicKeyOf("laptop", REGION)).hasValue(IMPORTED.substring(0, IMPORTED.lastIndexOf(' ')));
        for (int i = 1; i <= 3; i++) {
            ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION).setKeyPairName("job-" + i)
                    .setPublicKeyBody(IMPORTED));
        }

        DescribeKeyPairsResponseBody jobs = ecs.describeKeyPairs(new DescribeKeyPairsRequest().setRegionId(REGION)
                .setKeyPairName("job-*").setPageSize(2)).getBody();
        assertThat(jobs.getTotalCount()).isEqualTo(3);
        assertThat(jobs.getKeyPairs().getKeyPair()).extracting(k -> k.getKeyPairName()).containsExactly("job-1", "job-2");
        assertThat(jobs.getKeyPairs().getKeyPair().get(0).getPublicKey()).isNull();
        assertThat(ecs.describeKeyPairs(new DescribeKeyPairsRequest().setRegionId(REGION)).getBody().getTotalCount())
                .isEqualTo(4);

        ecs.deleteKeyPairs(new DeleteKeyPairsRequest().setRegionId(REGION)
                .setKeyPairNames("[\"job-1\",\"job-2\",\"never-was\"]"));
        assertThat(ecs.describeKeyPairs(new DescribeKeyPairsRequest().setRegionId(REGION)).getBody().getKeyPairs()
                .getKeyPair()).extracting(k -> k.getKeyPairName()).containsExactly("laptop", "job-3");
    }

    @Test
    void refusesDuplicatesMalformedKeysAndAttachedDeletes() throws Exception {
        ecs.createKeyPair(new CreateKeyPairRequest().setRegionId(REGION).setKeyPairName("fastgpu"));

        TeaException duplicate = failure(() -> ecs.createKeyPair(new CreateKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("fastgpu")));
        assertThat(duplicate.getCode()).isEqualTo("KeyPair.AlreadyExist");
        assertThat(duplicate.getStatusCode()).isEqualTo(400);
        assertThat(failure(() -> ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("fastgpu").setPublicKeyBody(IMPORTED))).getCode()).isEqualTo("KeyPair.AlreadyExist");
        assertThat(failure(() -> ecs.createKeyPair(new CreateKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("1bad name"))).getCode()).isEqualTo("InvalidKeyPairName.Malformed");
        assertThat(failure(() -> ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("bad").setPublicKeyBody("ssh-rsa not-base64!"))).getCode())
                .isEqualTo("InvalidPublicKeyBody.Malformed");
        assertThat(failure(() -> ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("bad").setPublicKeyBody("ssh-ed25519 " + IMPORTED.split(" ")[1]))).getCode())
                .isEqualTo("InvalidPublicKeyBody.Malformed");
        assertThat(failure(() -> ecs.deleteKeyPairs(new DeleteKeyPairsRequest().setRegionId(REGION)
                .setKeyPairNames("fastgpu"))).getCode()).isEqualTo("InvalidKeyPairNames.ValueNotSupported");

        EmulatorFixture.Network net = network();
        ecs.runInstances(new RunInstancesRequest().setRegionId(REGION).setImageId(EmulatorFixture.IMAGE)
                .setInstanceType("ecs.g7.large").setSecurityGroupId(net.securityGroupId()).setVSwitchId(net.vSwitchId())
                .setKeyPairName("fastgpu"));
        TeaException attached = failure(() -> ecs.deleteKeyPairs(new DeleteKeyPairsRequest().setRegionId(REGION)
                .setKeyPairNames("[\"fastgpu\"]")));
        assertThat(attached.getCode()).isEqualTo("InvalidParameter.KeypairAlreadyAttachedInstance");
    }

    @Test
    void aRegionHoldsAtMost500KeyPairs() throws Exception {
        IntStream.range(0, KeyPairActions.QUOTA).parallel().forEach(i -> {
            try {
                ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION).setKeyPairName("k" + i)
                        .setPublicKeyBody(IMPORTED));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TeaException full = failure(() -> ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION)
                .setKeyPairName("one-more").setPublicKeyBody(IMPORTED)));
        assertThat(full.getCode()).isEqualTo("QuotaExceed.KeyPair");
        assertThat(full.getStatusCode()).isEqualTo(403);
    }

    /** A network for instances, without creating another key pair called fastgpu. */
    private EmulatorFixture.Network network() throws Exception {
        var vpc = EmulatorFixture.vpcClient(emulator);
        String vpcId = vpc.createVpc(new com.aliyun.vpc20160428.models.CreateVpcRequest().setRegionId(REGION)
                .setCidrBlock("192.168.0.0/16")).getBody().getVpcId();
        String vsw = vpc.createVSwitch(new com.aliyun.vpc20160428.models.CreateVSwitchRequest().setRegionId(REGION)
                .setVpcId(vpcId).setZoneId(EmulatorFixture.ZONE).setCidrBlock("192.168.1.0/24")).getBody().getVSwitchId();
        String sg = ecs.createSecurityGroup(new com.aliyun.ecs20140526.models.CreateSecurityGroupRequest()
                .setRegionId(REGION).setVpcId(vpcId)).getBody().getSecurityGroupId();
        return new EmulatorFixture.Network(vpcId, vsw, sg, null);
    }
}
