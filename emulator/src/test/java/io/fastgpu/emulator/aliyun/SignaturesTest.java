package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two signature schemes against Alibaba Cloud's published test vectors. */
class SignaturesTest {

    @Test
    void acs3MatchesTheOfficialVector() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("RegionId", "cn-shanghai"); // deliberately unsorted: the canonical form sorts
        query.put("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");
        Map<String, String> headers = Map.of(
                "host", "ecs.cn-shanghai.aliyuncs.com",
                "x-acs-action", "RunInstances",
                "x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "x-acs-date", "2023-10-26T10:22:32Z",
                "x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d",
                "x-acs-version", "2014-05-26");
        List<String> signed = List.of("x-acs-version", "host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                "x-acs-signature-nonce");

        String canonical = Signatures.acs3CanonicalRequest("POST", "/", query, headers, signed,
                headers.get("x-acs-content-sha256"));
        String stringToSign = Signatures.acs3StringToSign(canonical);

        assertThat(Signatures.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
        assertThat(stringToSign)
                .isEqualTo("ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
        assertThat(Signatures.acs3Signature("YourAccessKeySecret", stringToSign))
                .isEqualTo("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
        assertThat(Signatures.sha256Hex(new byte[0])).isEqualTo(headers.get("x-acs-content-sha256"));
    }

    @Test
    void rpcV1MatchesTheOfficialVector() {
        Map<String, String> params = Map.of(
                "AccessKeyId", "testid",
                "Action", "DescribeRegions",
                "Format", "XML",
                "SignatureMethod", "HMAC-SHA1",
                "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
                "SignatureVersion", "1.0",
                "Timestamp", "2016-02-23T12:46:24Z",
                "Version", "2014-05-26");

        String stringToSign = Signatures.rpcV1StringToSign("GET", params);

        assertThat(stringToSign).startsWith("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions");
        assertThat(Signatures.rpcV1Signature("testsecret", stringToSign)).isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }

    @Test
    void parsesTheAcs3AuthorizationHeader() {
        Signatures.Acs3Authorization auth = Signatures.parseAcs3Authorization(
                "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action,Signature=06563a9e");

        assertThat(auth).isEqualTo(new Signatures.Acs3Authorization("YourAccessKeyId", List.of("host", "x-acs-action"),
                "06563a9e"));
        assertThat(Signatures.parseAcs3Authorization("Bearer x")).isNull();
        assertThat(Signatures.parseAcs3Authorization("ACS3-HMAC-SHA256 Credential=a")).isNull();
    }

    @Test
    void percentEncodingKeepsUnreservedCharactersOnly() {
        assertThat(Signatures.percentEncode("a b*c~d/e+f")).isEqualTo("a%20b%2Ac~d%2Fe%2Bf");
        assertThat(Signatures.percentEncode("[\"i-1\"]")).isEqualTo("%5B%22i-1%22%5D");
    }
}
