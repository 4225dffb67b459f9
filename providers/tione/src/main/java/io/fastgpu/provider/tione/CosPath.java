package io.fastgpu.provider.tione;

import io.fastgpu.api.InvalidSpecException;

/** A {@code cos://bucket/path} address (Tikit's {@code bucket/path} is accepted too). */
record CosPath(String bucket, String path) {
    static CosPath parse(String text) {
        String t = text.strip();
        if (t.startsWith("cos://")) t = t.substring(6);
        int slash = t.indexOf('/');
        String bucket = slash < 0 ? t : t.substring(0, slash);
        String path = slash < 0 ? "" : t.substring(slash + 1);
        if (!bucket.matches("[a-z0-9][a-z0-9-]*-\\d+")) {
            throw new InvalidSpecException("'" + text + "' is not a COS path; write cos://BUCKET-APPID/path,"
                    + " such as cos://demo-1250000000/data/");
        }
        return new CosPath(bucket, path);
    }

    @Override
    public String toString() { return "cos://" + bucket + "/" + path; }
}
