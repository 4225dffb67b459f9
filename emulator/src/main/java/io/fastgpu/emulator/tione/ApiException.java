package io.fastgpu.emulator.tione;

/** An error answered in the API's shape: TI-ONE's {@code Response.Error.Code/Message}, or COS's XML error. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final int status;

    ApiException(String code, String message) {
        this(code, message, 200);
    }

    ApiException(String code, String message, int status) {
        super(message);
        this.code = code;
        this.status = status;
    }

    String code() {
        return code;
    }

    /** The HTTP status: TI-ONE answers errors with 200, COS with 4xx. */
    int status() {
        return status;
    }

    static ApiException invalidValue(String message) {
        return new ApiException("InvalidParameterValue", message);
    }

    static ApiException missing(String name) {
        return new ApiException("MissingParameter", "The request is missing a required parameter `" + name + "`.");
    }

    static ApiException notFound(String message) {
        return new ApiException("ResourceNotFound", message);
    }
}
