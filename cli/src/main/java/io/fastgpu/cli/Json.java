package io.fastgpu.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fastgpu.api.Instance;

import java.time.Instant;
import java.util.List;

/** JSON for scripts: stable field names, snake_case. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() { }

    static String instances(List<Instance> instances, Instant now) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (Instance i : instances) {
            ObjectNode o = arr.addObject();
            o.put("name", i.name());
            o.put("id", i.id());
            o.put("backend", i.backend());
            o.put("state", i.state().label());
            o.put("age_hours", Math.round(i.ageHours(now) * 100) / 100.0);
            o.put("public_ip", i.publicIp());
            o.put("private_ip", i.privateIp());
            o.put("gpu", i.gpu());
            o.put("instance_type", i.instanceType());
            o.put("created_at", i.createdAt().toString());
            ObjectNode tags = o.putObject("tags");
            i.tags().forEach(tags::put);
        }
        return write(arr);
    }

    /** An object of the given key, value pairs, in order. */
    static java.util.Map<String, Object> object(Object... keyValues) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int k = 0; k + 1 < keyValues.length; k += 2) m.put(String.valueOf(keyValues[k]), keyValues[k + 1]);
        return m;
    }

    static String list(List<?> items) { return write(items); }

    static String write(Object node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
