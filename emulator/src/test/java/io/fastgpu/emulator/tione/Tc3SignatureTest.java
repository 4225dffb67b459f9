package io.fastgpu.emulator.tione;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The worked example of Tencent Cloud's "Signature v3" document, reproduced step by step. */
class Tc3SignatureTest {
    private static final String PAYLOAD =
            "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}";

    @Test
    void reproducesTheDocumentsExample() {
        assertThat(Tc3Signature.sha256Hex(PAYLOAD.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
        String canonical = Tc3Signature.canonicalRequest("POST", "/", "",
                "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n", "content-type;host",
                PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertThat(Tc3Signature.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
        String toSign = Tc3Signature.stringToSign(1551113065L, "2019-02-25/cvm/tc3_request", canonical);
        assertThat(Tc3Signature.signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2019-02-25", "cvm", toSign))
                .isEqualTo("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
    }
}
