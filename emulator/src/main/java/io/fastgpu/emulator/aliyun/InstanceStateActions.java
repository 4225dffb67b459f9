package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;
import static io.fastgpu.emulator.aliyun.Params.boolParam;
import static io.fastgpu.emulator.aliyun.Params.dryRun;
import static io.fastgpu.emulator.aliyun.Params.indexed;
import static io.fastgpu.emulator.aliyun.Params.require;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ECS actions that move instances through the {@link InstanceStateMachine}: StartInstances,
 * StopInstances, StartInstance, StopInstance, DeleteInstances and DeleteInstance.
 */
final class InstanceStateActions {
    private final Cloud cloud;
    private final EmulatorState state;

    InstanceStateActions(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    void register(Product ecs) {
        ecs.add("StartInstances", r -> changeStatus(r, true));
        ecs.add("StopInstances", r -> changeStatus(r, false));
        ecs.add("StartInstance", r -> changeOne(r, true));
        ecs.add("StopInstance", r -> changeOne(r, false));
        ecs.add("DeleteInstances", this::deleteInstances);
        ecs.add("DeleteInstance", this::deleteInstance);
    }

    /**
     * StartInstances / StopInstances. With the default {@code BatchOptimization=AllTogether} any
     * instance that cannot make the transition fails the whole call; with {@code SuccessFirst} each
     * instance gets its own result code.
     */
    private ObjectNode changeStatus(ApiRequest req, boolean start) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        List<String> ids = instanceIds(req);
        boolean successFirst = "SuccessFirst".equals(req.param("BatchOptimization"));
        Instant now = cloud.clock.instant();
        Map<String, ApiError> failures = new LinkedHashMap<>();
        for (String id : ids) {
            InstanceRecord i = state.instance(id);
            ApiError error = i == null || !i.regionId().equals(region.regionId()) ? ApiError.instanceNotFound()
                    : !cloud.lifecycle.canChange(i, start, now) ? ApiError.incorrectInstanceStatus() : null;
            if (error != null) {
                if (!successFirst) {
                    throw error;
                }
                failures.put(id, error);
            }
        }
        dryRun(req);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putObject("InstanceResponses").putArray("InstanceResponse");
        for (String id : ids) {
            ObjectNode r = results.addObject().put("InstanceId", id);
            ApiError error = failures.get(id);
            InstanceRecord i = state.instance(id);
            if (error != null) {
                String current = i == null ? "" : cloud.lifecycle.statusAt(i, now);
                r.put("Code", error.code()).put("Message", error.getMessage())
                        .put("PreviousStatus", current).put("CurrentStatus", current);
                continue;
            }
            InstanceRecord moved = InstanceStateMachine.change(i, start, now);
            state.put(moved);
            r.put("Code", "200").put("Message", "success")
                    .put("PreviousStatus", InstanceStateMachine.requiredFor(start)).put("CurrentStatus", moved.status());
        }
        cloud.changed();
        return body;
    }

    /** StartInstance / StopInstance: one instance by id, no region, empty answer. */
    private ObjectNode changeOne(ApiRequest req, boolean start) {
        changeStatus(asBatch(req), start);
        return JSON.createObjectNode();
    }

    private ObjectNode deleteInstances(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        List<String> ids = instanceIds(req);
        boolean force = boolParam(req, "Force");
        Instant now = cloud.clock.instant();
        for (String id : ids) {
            InstanceRecord i = state.instance(id);
            if (i == null || !i.regionId().equals(region.regionId())) {
                throw ApiError.instanceNotFound();
            }
            if (!cloud.lifecycle.canRelease(i, force, now)) {
                throw ApiError.incorrectInstanceStatus();
            }
        }
        dryRun(req);
        ids.forEach(state.instances::remove);
        cloud.changed();
        return JSON.createObjectNode();
    }

    private ObjectNode deleteInstance(ApiRequest req) {
        return deleteInstances(asBatch(req));
    }

    /** {@code InstanceId.N}: 1 to 100 ids. */
    private static List<String> instanceIds(ApiRequest req) {
        List<String> ids = indexed(req, "InstanceId");
        if (ids.isEmpty()) {
            throw ApiError.missingParameter("InstanceId.1");
        }
        if (ids.size() > 100) {
            throw ApiError.invalidParameter("InstanceId", "At most 100 instances per call.");
        }
        return ids;
    }

    /** A single-instance call (InstanceId, no RegionId) rewritten as the batch call it stands for. */
    private ApiRequest asBatch(ApiRequest req) {
        String id = require(req, "InstanceId");
        InstanceRecord i = state.instance(id);
        if (i == null) {
            throw ApiError.instanceNotFound();
        }
        Map<String, String> params = new LinkedHashMap<>(req.params());
        params.put("RegionId", i.regionId());
        params.put("InstanceId.1", id);
        return new ApiRequest(req.method(), req.path(), req.query(), req.headers(), req.body(), params);
    }
}
