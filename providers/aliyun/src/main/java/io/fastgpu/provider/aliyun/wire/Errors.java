package io.fastgpu.provider.aliyun.wire;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;

/** Turns the API's error codes into what the user should do. */
public final class Errors {
    private Errors() { }

    /**
     * What any call may answer: a refused key, missing permissions, an unknown region. Other errors stay as they
     * are (a {@link CloudError}), for the caller to explain in its own terms.
     */
    public static FastGpuException general(CloudError e, String region) {
        String c = e.code();
        if (c.startsWith("InvalidAccessKeyId") || c.startsWith("SignatureDoesNotMatch") || c.startsWith("IncompleteSignature")
                || c.startsWith("InvalidAccessKeySecret")) {
            return new FastGpuException("Alibaba Cloud refused the access key (" + c + "): check ALIYUN_ACCESS_KEY_ID and"
                    + " ALIYUN_ACCESS_KEY_SECRET (or the aliyun CLI profile)", e);
        }
        if (c.startsWith("Forbidden") || c.equals("NoPermission")) {
            return new FastGpuException("the access key may not do this (" + e.getMessage()
                    + "); grant its RAM user the ECS, VPC and NAS permissions", e);
        }
        if (c.startsWith("InvalidRegionId")) {
            return new InvalidSpecException("unknown region '" + region + "' (" + c + "); set ALIYUN_DEFAULT_REGION to a region"
                    + " such as cn-hangzhou, cn-beijing or cn-shanghai");
        }
        return e;
    }

    /** What RunInstances may answer, said in terms of the instance type, region and zone being bought. */
    public static FastGpuException explain(CloudError e, String type, String region, String zone) {
        String c = e.code();
        if (c.startsWith("QuotaExceed") || c.contains("Quota")) {
            return new FastGpuException("quota exceeded in " + region + " buying " + type + ": " + e.getMessage()
                    + "; release unused instances ('fastgpu ls', 'fastgpu kill') or raise the quota in the console", e);
        }
        if (c.startsWith("InvalidInstanceType")) {
            return new InvalidSpecException("instance type '" + type + "' is not valid in zone " + zone + ": " + e.getMessage()
                    + "; 'fastgpu querygpu' lists GPU instance types");
        }
        if (c.startsWith("InvalidRamRole")) {
            return new InvalidSpecException("the instance role given in FASTGPU_ALIYUN_INSTANCE_ROLE is not in the account ("
                    + c + "); create it in RAM (a role trusted by ECS, allowed ecs:DeleteInstance and ecs:StopInstance),"
                    + " or unset FASTGPU_ALIYUN_INSTANCE_ROLE");
        }
        if (c.startsWith("InvalidImage")) {
            return new InvalidSpecException("image not usable: " + e.getMessage() + "; 'fastgpu queryimage' lists the images");
        }
        return e; // refused keys and missing permissions were already explained by general()
    }
}
