package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ECS SSH key pairs: CreateKeyPair (a real RSA 2048 key pair; the private key is returned once,
 * PEM-encoded PKCS#8 as the API documents, and only the public key is kept), ImportKeyPair,
 * DescribeKeyPairs and DeleteKeyPairs. Names are unique per region.
 */
final class KeyPairActions {
    /** Most key pairs a region holds, as the API's limits state. */
    static final int QUOTA = 500;
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9:_\\-]{1,127}");

    private final Cloud cloud;
    private final EmulatorState state;

    KeyPairActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    void register(Product ecs) {
        ecs.add("CreateKeyPair", this::create);
        ecs.add("ImportKeyPair", this::importKeyPair);
        ecs.add("DescribeKeyPairs", this::describe);
        ecs.add("DeleteKeyPairs", this::delete);
    }

    /** Checks a new key pair's name (and the quota) in the order the API does. */
    private String newName(ApiRequest req, EmulatorConfig.RegionSpec region) {
        String name = require(req, "KeyPairName");
        if (!NAME.matcher(name).matches() || name.startsWith("http")) {
            throw new ApiError(400, "InvalidKeyPairName.Malformed", "Specified Key Pair name is not valid.");
        }
        if (state.keyPair(region.regionId(), name) != null) {
            throw new ApiError(400, "KeyPair.AlreadyExist", "The key pair already exist.");
        }
        long count = state.keyPairs.values().stream().filter(k -> k.regionId().equals(region.regionId())).count();
        if (count >= QUOTA) {
            throw new ApiError(403, "QuotaExceed.KeyPair", "The key pair quota exceeds.");
        }
        return name;
    }

    private ObjectNode create(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String name = newName(req, region);
        List<Tag> tags = Params.newTags(req);
        KeyPair generated = SshKeys.generateRsa();
        SshKeys.PublicKey publicKey = SshKeys.openSsh((RSAPublicKey) generated.getPublic());
        KeyPairRecord record = store(region, name, publicKey, tags);
        return JSON.createObjectNode()
                .put("KeyPairId", record.keyPairId())
                .put("KeyPairName", name)
                .put("KeyPairFingerPrint", record.fingerPrint())
                .put("PrivateKeyBody", SshKeys.pkcs8Pem(generated.getPrivate()));
    }

    private ObjectNode importKeyPair(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String name = newName(req, region);
        String body = require(req, "PublicKeyBody");
        SshKeys.PublicKey publicKey = SshKeys.parse(body);
        if (publicKey == null) {
            throw new ApiError(400, "InvalidPublicKeyBody.Malformed", "The PublicKeyBody format is not supported.");
        }
        List<Tag> tags = Params.newTags(req);
        KeyPairRecord record = store(region, name, publicKey, tags);
        return JSON.createObjectNode()
                .put("KeyPairName", name)
                .put("KeyPairFingerPrint", record.fingerPrint());
    }

    private KeyPairRecord store(EmulatorConfig.RegionSpec region, String name, SshKeys.PublicKey key, List<Tag> tags) {
        String id = cloud.newId("kp-", 20, i -> state.keyPairs.values().stream().anyMatch(k -> k.keyPairId().equals(i)));
        KeyPairRecord record = new KeyPairRecord(name, region.regionId(), id, SshKeys.md5Fingerprint(key.blob()),
                key.line(), cloud.now(), tags);
        state.put(record);
        cloud.changed();
        return record;
    }

    private ObjectNode describe(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String name = req.param("KeyPairName");
        Pattern namePattern = name == null ? null : Params.glob(name);
        String fingerPrint = req.param("KeyPairFingerPrint");
        boolean includePublicKey = Params.boolParam(req, "IncludePublicKey");
        List<Tag> tagFilters = Params.tagFilters(req);
        List<KeyPairRecord> matches = new ArrayList<>();
        for (KeyPairRecord k : state.keyPairs.values()) {
            if (k.regionId().equals(region.regionId())
                    && (namePattern == null || namePattern.matcher(k.keyPairName()).matches())
                    && (fingerPrint == null || fingerPrint.equals(k.fingerPrint()))
                    && Params.matchesTags(k.tags(), tagFilters)) {
                matches.add(k);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        List<KeyPairRecord> page = Params.page(req, body, matches, 50);
        ArrayNode list = body.putObject("KeyPairs").putArray("KeyPair");
        for (KeyPairRecord k : page) {
            ObjectNode o = list.addObject()
                    .put("KeyPairName", k.keyPairName())
                    .put("KeyPairFingerPrint", k.fingerPrint())
                    .put("CreationTime", Params.seconds(k.creationTime()))
                    .put("ResourceGroupId", "");
            if (includePublicKey) {
                o.put("PublicKey", k.publicKey());
            }
            Params.renderTags(o, k.tags(), "TagKey", "TagValue");
        }
        return body;
    }

    private ObjectNode delete(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        String value = require(req, "KeyPairNames");
        Set<String> names = Params.parseJsonStrings(value, 100);
        if (names == null) {
            throw new ApiError(400, "InvalidKeyPairNames.ValueNotSupported",
                    "The specified parameter \"KeyPairNames\" is not valid.");
        }
        for (String name : names) {
            boolean attached = state.instances.values().stream()
                    .anyMatch(i -> i.regionId().equals(region.regionId()) && name.equals(i.keyPairName()));
            if (attached) {
                throw new ApiError(400, "InvalidParameter.KeypairAlreadyAttachedInstance",
                        "The specified parameter \"KeyPairNames\" attached to instances can not be deleted.");
            }
        }
        // Names that match no key pair are skipped: the documented errors name none for them.
        names.forEach(n -> state.keyPairs.remove(EmulatorState.keyPairKey(region.regionId(), n)));
        cloud.changed();
        return JSON.createObjectNode();
    }
}
