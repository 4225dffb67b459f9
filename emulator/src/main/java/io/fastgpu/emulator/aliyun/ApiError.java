package io.fastgpu.emulator.aliyun;

/**
 * An error answered the way the Alibaba Cloud OpenAPI gateway answers it: an HTTP status plus the
 * {@code Code}/{@code Message} pair of the JSON error body. Thrown anywhere in request handling and
 * turned into a response by {@link AliyunEmulator}.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String code;

    public ApiError(int httpStatus, String code, String message) {
        super(message, null, false, false); // no stack trace: these are expected answers, not bugs
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }

    // Factories for the errors answered by several actions; codes and messages as the cloud words them.

    static ApiError missingParameter(String name) {
        return new ApiError(400, "MissingParameter",
                "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.");
    }

    static ApiError invalidParameter(String name, String why) {
        return new ApiError(400, "InvalidParameter",
                "The specified parameter \"" + name + "\" is not valid. " + why);
    }

    static ApiError incompleteSignature(String detail) {
        return new ApiError(400, "IncompleteSignature",
                "The request signature does not conform to Aliyun standards. " + detail);
    }

    static ApiError invalidAction(String action) {
        return new ApiError(404, "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method. Action: " + action);
    }

    static ApiError instanceNotFound() {
        return new ApiError(404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.");
    }

    static ApiError incorrectInstanceStatus() {
        return new ApiError(403, "IncorrectInstanceStatus",
                "The current status of the resource does not support this operation.");
    }

    static ApiError regionNotFound() {
        return new ApiError(404, "InvalidRegionId.NotFound", "The RegionId provided does not exist in our records.");
    }
}
