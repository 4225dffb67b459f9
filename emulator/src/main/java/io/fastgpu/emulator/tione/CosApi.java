package io.fastgpu.emulator.tione;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The COS XML API subset FastGPU and the COS SDK use: PUT, GET, HEAD and DELETE object, list objects
 * (v1 and v2), and multipart upload (initiate, upload part, complete, abort). The bucket comes from the
 * Host header ({@code <bucket>.cos.<region>.myqcloud.com}); every request's signature is checked.
 */
final class CosApi {
    private static final Pattern HOST = Pattern.compile("([a-z0-9-]+)\\.cos\\.([a-z0-9-]+)\\.myqcloud\\.com(:\\d+)?");
    private static final Pattern PART = Pattern.compile("<PartNumber>(\\d+)</PartNumber>");

    private final TioneConfig config;
    private final CosStore store;

    CosApi(TioneConfig config, CosStore store) {
        this.config = config;
        this.store = store;
    }

    void serve(HttpExchange ex) throws IOException {
        String requestId = UUID.randomUUID().toString();
        ex.getResponseHeaders().add("Connection", "close"); // one answer per connection (see HeaderCaseProxy)
        try (ex) {
            try {
                handle(ex, requestId);
            } catch (ApiException e) {
                ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
                error(ex, e, requestId);
            }
        }
    }

    private void handle(HttpExchange ex, String requestId) throws IOException {
        String host = header(ex, "host");
        Matcher m = HOST.matcher(host == null ? "" : host);
        if (!m.matches()) {
            throw new ApiException("InvalidURI", "the host " + host + " names no bucket", 400);
        }
        String bucket = m.group(1);
        String rawPath = ex.getRequestURI().getRawPath();
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        authenticate(ex, path, query);
        if (config.foreignBuckets().contains(bucket)) {
            throw new ApiException("AccessDenied", "Access Denied: the bucket " + bucket + " belongs to another account", 403);
        }
        if (!config.buckets().contains(bucket) || !store.bucketExists(bucket)) {
            throw new ApiException("NoSuchBucket", "The specified bucket does not exist.", 404);
        }
        String key = path.startsWith("/") ? path.substring(1) : path;
        ex.getResponseHeaders().add("x-cos-request-id", requestId);
        String method = ex.getRequestMethod();
        if (key.isEmpty()) {
            if (method.equals("GET")) {
                list(ex, bucket, query);
            } else if (method.equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
            } else {
                throw new ApiException("MethodNotAllowed", "The specified method is not allowed against this resource.", 405);
            }
            return;
        }
        switch (method) {
            case "PUT" -> {
                if (query.containsKey("uploadId")) {
                    String etag = store.putPart(query.get("uploadId"), Integer.parseInt(query.getOrDefault("partNumber", "0")),
                            ex.getRequestBody());
                    ex.getResponseHeaders().add("ETag", "\"" + etag + "\"");
                    ex.sendResponseHeaders(200, -1);
                } else {
                    CosStore.ObjectInfo info = store.put(bucket, key, ex.getRequestBody());
                    ex.getResponseHeaders().add("ETag", "\"" + info.etag() + "\"");
                    ex.sendResponseHeaders(200, -1);
                }
            }
            case "POST" -> {
                if (query.containsKey("uploads")) {
                    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
                    String id = store.initiateUpload();
                    xml(ex, "<InitiateMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" + esc(key)
                            + "</Key><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
                } else if (query.containsKey("uploadId")) {
                    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    List<Integer> parts = new ArrayList<>();
                    Matcher p = PART.matcher(body);
                    while (p.find()) {
                        parts.add(Integer.parseInt(p.group(1)));
                    }
                    CosStore.ObjectInfo info = store.completeUpload(bucket, key, query.get("uploadId"), parts);
                    xml(ex, "<CompleteMultipartUploadResult><Location>" + host + "/" + esc(key) + "</Location><Bucket>"
                            + bucket + "</Bucket><Key>" + esc(key) + "</Key><ETag>\"" + info.etag()
                            + "-" + parts.size() + "\"</ETag></CompleteMultipartUploadResult>");
                } else {
                    throw new ApiException("MethodNotAllowed", "POST object is not supported here.", 405);
                }
            }
            case "GET", "HEAD" -> {
                CosStore.ObjectInfo info = store.head(bucket, key);
                if (info == null) {
                    throw new ApiException("NoSuchKey", "The specified key does not exist.", 404);
                }
                ex.getResponseHeaders().add("ETag", "\"" + info.etag() + "\"");
                ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
                ex.getResponseHeaders().add("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME
                        .format(Instant.ofEpochMilli(info.lastModified()).atOffset(ZoneOffset.UTC)));
                if (method.equals("HEAD")) {
                    ex.getResponseHeaders().add("Content-Length", String.valueOf(info.size()));
                    ex.sendResponseHeaders(200, -1);
                } else {
                    ex.sendResponseHeaders(200, info.size() == 0 ? -1 : info.size());
                    if (info.size() > 0) {
                        try (InputStream in = Files.newInputStream(store.file(bucket, key)); OutputStream out = ex.getResponseBody()) {
                            in.transferTo(out);
                        }
                    }
                }
            }
            case "DELETE" -> {
                if (query.containsKey("uploadId")) {
                    store.abortUpload(query.get("uploadId"));
                } else {
                    store.delete(bucket, key);
                }
                ex.sendResponseHeaders(204, -1);
            }
            default -> throw new ApiException("MethodNotAllowed", "The specified method is not allowed.", 405);
        }
    }

    /** GET Bucket: v2 ({@code list-type=2}, continuation tokens) or v1 (markers), with prefix, delimiter and max-keys. */
    private void list(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
        boolean v2 = "2".equals(q.get("list-type"));
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.getOrDefault("delimiter", "");
        int max = Integer.parseInt(q.getOrDefault("max-keys", "1000"));
        String after = v2 ? q.getOrDefault("continuation-token", q.getOrDefault("start-after", "")) : q.getOrDefault("marker", "");
        StringBuilder contents = new StringBuilder();
        List<String> commonPrefixes = new ArrayList<>();
        int count = 0;
        String last = null;
        boolean truncated = false;
        for (CosStore.ObjectInfo o : store.list(bucket, prefix)) {
            if (!after.isEmpty() && o.key().compareTo(after) <= 0) {
                continue;
            }
            String entry = o.key();
            if (!delimiter.isEmpty()) {
                int i = o.key().indexOf(delimiter, prefix.length());
                if (i >= 0) {
                    String cp = o.key().substring(0, i + delimiter.length());
                    if (!commonPrefixes.contains(cp)) {
                        if (count == max) {
                            truncated = true;
                            break;
                        }
                        commonPrefixes.add(cp);
                        count++;
                        last = o.key();
                    }
                    continue;
                }
            }
            if (count == max) {
                truncated = true;
                break;
            }
            count++;
            last = entry;
            contents.append("<Contents><Key>").append(esc(o.key())).append("</Key><LastModified>")
                    .append(Instant.ofEpochMilli(o.lastModified())).append("</LastModified><ETag>\"").append(o.etag())
                    .append("\"</ETag><Size>").append(o.size()).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        StringBuilder b = new StringBuilder("<ListBucketResult><Name>").append(bucket).append("</Name><Prefix>")
                .append(esc(prefix)).append("</Prefix>");
        if (v2) {
            b.append("<KeyCount>").append(count).append("</KeyCount>");
            if (truncated) {
                b.append("<NextContinuationToken>").append(esc(last)).append("</NextContinuationToken>");
            }
        } else {
            b.append("<Marker>").append(esc(after)).append("</Marker>");
            if (truncated) {
                b.append("<NextMarker>").append(esc(last)).append("</NextMarker>");
            }
        }
        b.append("<MaxKeys>").append(max).append("</MaxKeys>");
        if (!delimiter.isEmpty()) {
            b.append("<Delimiter>").append(esc(delimiter)).append("</Delimiter>");
        }
        b.append("<IsTruncated>").append(truncated).append("</IsTruncated>").append(contents);
        for (String cp : commonPrefixes) {
            b.append("<CommonPrefixes><Prefix>").append(esc(cp)).append("</Prefix></CommonPrefixes>");
        }
        xml(ex, b.append("</ListBucketResult>").toString());
    }

    private void authenticate(HttpExchange ex, String path, Map<String, String> query) {
        String auth = header(ex, "authorization");
        if (auth == null || auth.isEmpty()) {
            throw new ApiException("AccessDenied", "Access Denied: the request is not signed.", 403);
        }
        Map<String, String> f = CosSignature.parse(auth);
        if (!config.secretId().equals(f.get("q-ak"))) {
            throw new ApiException("InvalidAccessKeyId", "The access key Id format you provided is invalid.", 403);
        }
        String keyTime = f.getOrDefault("q-key-time", "");
        String[] times = keyTime.split(";");
        long now = System.currentTimeMillis() / 1000;
        if (times.length != 2 || Long.parseLong(times[1]) < now || Long.parseLong(times[0]) > now + 900) {
            throw new ApiException("RequestTimeTooSkewed", "The difference between the request time and the server's time"
                    + " is too large.", 403);
        }
        Map<String, String> lowerQuery = new LinkedHashMap<>();
        query.forEach((k, v) -> lowerQuery.put(CosSignature.encode(k).toLowerCase(Locale.ROOT), v));
        String expected = CosSignature.expected(config.secretKey(), keyTime, ex.getRequestMethod(), path,
                f.get("q-header-list"), name -> header(ex, name), f.get("q-url-param-list"), lowerQuery::get);
        if (!expected.equals(f.get("q-signature"))) {
            throw new ApiException("SignatureDoesNotMatch", "The Signature you specified is invalid.", 403);
        }
    }

    private static String header(HttpExchange ex, String name) {
        return ex.getRequestHeaders().getFirst(name);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static void xml(HttpExchange ex, String body) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange ex, ApiException e, String requestId) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + e.code() + "</Code><Message>"
                + esc(e.getMessage()) + "</Message><Resource>" + esc(ex.getRequestURI().getPath()) + "</Resource><RequestId>"
                + requestId + "</RequestId><TraceId>" + requestId + "</TraceId></Error>").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        ex.getResponseHeaders().add("x-cos-request-id", requestId);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(e.status(), -1);
        } else {
            ex.sendResponseHeaders(e.status(), bytes.length);
            ex.getResponseBody().write(bytes);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
