package io.fastgpu.provider.tione.wire;

import com.qcloud.cos.COSClient;
import com.qcloud.cos.ClientConfig;
import com.qcloud.cos.auth.BasicCOSCredentials;
import com.qcloud.cos.endpoint.EndpointResolver;
import com.qcloud.cos.exception.CosServiceException;
import com.qcloud.cos.http.HttpProtocol;
import com.qcloud.cos.model.COSObjectSummary;
import com.qcloud.cos.model.GetObjectRequest;
import com.qcloud.cos.model.ListObjectsRequest;
import com.qcloud.cos.model.ObjectListing;
import com.qcloud.cos.region.Region;
import io.fastgpu.api.FastGpuException;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** COS through the official SDK: put, get, list and delete objects; errors as one line each. */
public final class CosCalls implements AutoCloseable {
    /** One object: key, size, ETag (the MD5 hex of a simple upload). */
    public record CosObject(String key, long size, String etag) {}

    private final COSClient client;
    private final String region;

    /** @param endpoint {@code host:port} every bucket's requests go to instead of its own host (null: the real COS) */
    public CosCalls(String secretId, String secretKey, String region, String endpoint) {
        ClientConfig config = new ClientConfig(new Region(region));
        if (endpoint != null) {
            config.setHttpProtocol(HttpProtocol.http);
            config.setEndpointResolver(new EndpointResolver() {
                @Override public String resolveGeneralApiEndpoint(String generalApiEndpoint) { return endpoint; }

                @Override public String resolveGetServiceApiEndpoint(String getServiceApiEndpoint) { return endpoint; }
            });
        }
        config.setMaxErrorRetry(2);
        this.client = new COSClient(new BasicCOSCredentials(secretId, secretKey), config);
        this.region = region;
    }

    public void put(String bucket, String key, Path file) {
        try {
            client.putObject(bucket, key, file.toFile());
        } catch (RuntimeException e) {
            throw translate("upload " + file.getFileName() + " to cos://" + bucket + "/" + key, bucket, e);
        }
    }

    public void get(String bucket, String key, Path file) {
        try {
            File f = file.toFile();
            f.getParentFile().mkdirs();
            client.getObject(new GetObjectRequest(bucket, key), f);
        } catch (RuntimeException e) {
            throw translate("download cos://" + bucket + "/" + key, bucket, e);
        }
    }

    public void delete(String bucket, String key) {
        try {
            client.deleteObject(bucket, key);
        } catch (RuntimeException e) {
            throw translate("delete cos://" + bucket + "/" + key, bucket, e);
        }
    }

    /** Every object under {@code prefix}, following the listing's pages. */
    public List<CosObject> list(String bucket, String prefix) {
        List<CosObject> out = new ArrayList<>();
        try {
            ListObjectsRequest req = new ListObjectsRequest();
            req.setBucketName(bucket);
            req.setPrefix(prefix);
            req.setMaxKeys(1000);
            ObjectListing listing;
            do {
                listing = client.listObjects(req);
                for (COSObjectSummary s : listing.getObjectSummaries()) {
                    out.add(new CosObject(s.getKey(), s.getSize(), s.getETag() == null ? "" : s.getETag().replace("\"", "")));
                }
                req.setMarker(listing.getNextMarker());
            } while (listing.isTruncated());
        } catch (RuntimeException e) {
            throw translate("list cos://" + bucket + "/" + prefix, bucket, e);
        }
        return out;
    }

    private FastGpuException translate(String what, String bucket, RuntimeException e) {
        if (e instanceof CosServiceException s) {
            String code = s.getErrorCode() == null ? "" : s.getErrorCode();
            return switch (code) {
                case "NoSuchBucket" -> new FastGpuException("COS: cannot " + what + ": the bucket " + bucket
                        + " does not exist in " + region + "; create it or set tione.bucket to one of yours");
                case "AccessDenied" -> new FastGpuException("COS: cannot " + what + ": access denied to bucket " + bucket
                        + " (it belongs to another account?); use a bucket of your own");
                case "SignatureDoesNotMatch", "InvalidAccessKeyId" -> new FastGpuException("COS: cannot " + what
                        + ": " + code + "; check TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY");
                case "NoSuchKey" -> new FastGpuException("COS: cannot " + what + ": no such object");
                default -> new FastGpuException("COS: cannot " + what + ": " + code + " " + s.getErrorMessage());
            };
        }
        return new FastGpuException("COS: cannot " + what + ": " + e.getMessage());
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
