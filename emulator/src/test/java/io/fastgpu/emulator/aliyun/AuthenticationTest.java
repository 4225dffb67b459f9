package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.DescribeRegionsRequest;
import com.aliyun.ecs20140526.models.DescribeRegionsResponseBody;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signature checking as seen by the official SDK, over HTTP. */
class AuthenticationTest {
    private AliyunEmulator emulator;

    @BeforeEach
    void start() throws Exception {
        emulator = new AliyunEmulator(EmulatorFixture.config().build()).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void acceptsTheSdksDefaultAcs3Signature() throws Exception {
        DescribeRegionsResponseBody body = EmulatorFixture.client(emulator)
                .describeRegions(new DescribeRegionsRequest()).getBody();

        assertThat(body.getRequestId()).matches("[0-9A-F-]{36}");
        assertThat(body.getRegions().getRegion()).extracting(r -> r.getRegionId()).containsExactly("cn-hangzhou");
    }

    @Test
    void acceptsTheRpcV1SignatureTheSdkUsesWithSignatureAlgorithmV2() throws Exception {
        Client client = EmulatorFixture.client(emulator, EmulatorFixture.KEY_ID, EmulatorFixture.SECRET, "v2");

        DescribeRegionsResponseBody body = client.describeRegions(new DescribeRegionsRequest()).getBody();

        assertThat(body.getRegions().getRegion()).hasSize(1);
    }

    @Test
    void aWrongSecretIsAnIncompleteSignature() throws Exception {
        Client client = EmulatorFixture.client(emulator, EmulatorFixture.KEY_ID, "not-the-secret", null);

        TeaException e = catchThrowableOfType(TeaException.class,
                () -> client.describeRegions(new DescribeRegionsRequest()));

        assertThat(e.getCode()).isEqualTo("IncompleteSignature");
        assertThat(e.getStatusCode()).isEqualTo(400);
        assertThat(e.getMessage()).doesNotContain(EmulatorFixture.SECRET).doesNotContain("not-the-secret");
    }

    @Test
    void aWrongSecretWithRpcV1IsSignatureDoesNotMatch() throws Exception {
        Client client = EmulatorFixture.client(emulator, EmulatorFixture.KEY_ID, "not-the-secret", "v2");

        TeaException e = catchThrowableOfType(TeaException.class,
                () -> client.describeRegions(new DescribeRegionsRequest()));

        assertThat(e.getCode()).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void anUnknownKeyIdIsNotFound() throws Exception {
        Client client = EmulatorFixture.client(emulator, "LTAI-nobody", EmulatorFixture.SECRET, null);

        TeaException e = catchThrowableOfType(TeaException.class,
                () -> client.describeRegions(new DescribeRegionsRequest()));

        assertThat(e.getCode()).isEqualTo("InvalidAccessKeyId.NotFound");
        assertThat(e.getStatusCode()).isEqualTo(404);
    }

    @Test
    void anUnknownActionIsNotFound() throws Exception {
        Params params = new Params().setAction("DescribeUnicorns").setVersion("2014-05-26").setProtocol("HTTP")
                .setPathname("/").setMethod("POST").setAuthType("AK").setStyle("RPC").setReqBodyType("formData")
                .setBodyType("json");
        OpenApiRequest request = new OpenApiRequest().setQuery(Map.of("RegionId", "cn-hangzhou"));

        TeaException e = catchThrowableOfType(TeaException.class,
                () -> EmulatorFixture.client(emulator).callApi(params, request, new RuntimeOptions()));

        assertThat(e.getCode()).isEqualTo("InvalidAction.NotFound");
        assertThat(e.getStatusCode()).isEqualTo(404);
    }

    @Test
    void anUnsignedRequestGetsTheCloudsErrorBody() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + emulator.endpoint() + "/?Action=DescribeRegions")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(response.body()).contains("\"RequestId\"", "\"HostId\"", "\"Code\":\"IncompleteSignature\"",
                "\"Message\"", "\"Recommend\"");
    }
}
