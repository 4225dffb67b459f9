package io.fastgpu.emulator.aliyun;

import java.util.Set;

/**
 * What an instance RAM role's temporary credential may do in the emulator: stop, release and describe the instance
 * it was handed to, and nothing else. Its policy on the cloud is the account's to write; this is the one a machine
 * that releases itself needs, and any other call is refused as RAM refuses it ({@code Forbidden.RAM}), so a caller
 * that relies on more is caught here.
 */
final class RolePolicy {
    private RolePolicy() {}

    /** Throws {@code Forbidden.RAM} unless {@code caller} may make this call. */
    static void check(RequestAuthenticator.Caller caller, String action, ApiRequest req) {
        String own = caller.instanceId();
        if (own == null) {
            return;
        }
        boolean allowed = switch (action) {
            case "DeleteInstance", "StopInstance" -> own.equals(req.param("InstanceId"));
            case "DescribeInstances" -> Set.of(own).equals(Params.jsonStringArray(req, "InstanceIds", 100));
            default -> false;
        };
        if (!allowed) {
            throw new ApiError(403, "Forbidden.RAM",
                    "User not authorized to operate on the specified resource, or this API doesn't support RAM.");
        }
    }
}
