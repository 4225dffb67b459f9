package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Request parameter and response helpers shared by the products: required and ranged values,
 * the SDK's flattened lists ({@code Name.N}, {@code Tag.N.Key}), JSON-array parameters, name
 * wildcards, the two pagination styles, and the time formats of the responses.
 */
final class Params {
    static final ObjectMapper JSON = new ObjectMapper();
    /** ECS instance times have minute precision in UTC, e.g. {@code 2024-01-02T03:04Z}. */
    static final DateTimeFormatter MINUTES =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
    /** Most other resources show seconds in UTC, e.g. {@code 2024-01-02T03:04:05Z}. */
    static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** Most tags a resource may carry, and a call may name. */
    static final int MAX_TAGS = 20;

    private Params() {}

    static String require(ApiRequest req, String name) {
        String value = req.param(name);
        if (value == null) {
            throw ApiError.missingParameter(name);
        }
        return value;
    }

    /** An integer parameter in {@code [min, max]}, or {@code dflt} when absent; else {@code InvalidParameter}. */
    static int intParam(ApiRequest req, String name, int dflt, int min, int max) {
        Integer value = intOrNull(req, name, min, max);
        if (value == null && req.param(name) != null) {
            throw ApiError.invalidParameter(name, "Expected an integer from " + min + " to " + max + ".");
        }
        return value == null ? dflt : value;
    }

    /** An integer parameter in range, or null when absent or not valid. */
    static Integer intOrNull(ApiRequest req, String name, int min, int max) {
        String value = req.param(name);
        if (value == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.trim());
            return n >= min && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static boolean boolParam(ApiRequest req, String name) {
        return Boolean.parseBoolean(req.param(name));
    }

    /** Ends a call made with {@code DryRun=true} once its checks have passed, as the cloud does. */
    static void dryRun(ApiRequest req) {
        if (boolParam(req, "DryRun")) {
            throw new ApiError(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
        }
    }

    /** Repeat-list parameters, flattened by the SDK as {@code Name.1}, {@code Name.2}, ... */
    static List<String> indexed(ApiRequest req, String name) {
        Pattern p = Pattern.compile(Pattern.quote(name) + "\\.(\\d+)");
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        req.params().forEach((k, v) -> {
            Matcher m = p.matcher(k);
            if (m.matches() && !v.isEmpty()) {
                byIndex.put(Integer.parseInt(m.group(1)), v);
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** {@code Tag.N.Key}/{@code Tag.N.Value} as a filter: a key without a value matches any value. */
    static List<Tag> tagFilters(ApiRequest req) {
        List<Tag> tags = rawTags(req, false);
        if (tags.size() > MAX_TAGS) {
            throw ApiError.invalidParameter("Tag", "At most " + MAX_TAGS + " tags.");
        }
        return tags;
    }

    /**
     * {@code Tag.N.Key}/{@code Tag.N.Value} to attach to a resource, checked as the ECS API checks
     * them: at most 20, unique keys, keys not reserved ({@code aliyun}, {@code acs:}) nor URLs.
     */
    static List<Tag> newTags(ApiRequest req) {
        List<Tag> tags = rawTags(req, true);
        if (tags.size() > MAX_TAGS) {
            throw new ApiError(400, "InvalidTagCount", "The specified tags are beyond the permitted range.");
        }
        checkTags(tags);
        return tags;
    }

    /** {@code Tag.N.Key}/{@code Tag.N.Value} as given (a missing value is empty), unchecked. */
    static List<Tag> givenTags(ApiRequest req) {
        return rawTags(req, true);
    }

    /** Checks tags about to be attached: unique keys, keys and values well formed. */
    static void checkTags(List<Tag> tags) {
        Set<String> keys = new HashSet<>();
        for (Tag tag : tags) {
            String key = tag.key();
            if (key.length() > 128 || key.startsWith("aliyun") || key.startsWith("acs:") || key.contains("http://")
                    || key.contains("https://")) {
                throw new ApiError(400, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.");
            }
            String value = tag.value();
            if (value.length() > 128 || value.startsWith("acs:") || value.contains("http://")
                    || value.contains("https://")) {
                throw new ApiError(400, "InvalidTagValue.Malformed", "The specified Tag.n.Value is not valid.");
            }
            if (!keys.add(key)) {
                throw new ApiError(400, "Duplicate.TagKey", "The Tag.N.Key contain duplicate key.");
            }
        }
    }

    private static List<Tag> rawTags(ApiRequest req, boolean valueDefaultsToEmpty) {
        Pattern p = Pattern.compile("Tag\\.(\\d+)\\.Key");
        TreeMap<Integer, Tag> byIndex = new TreeMap<>();
        req.params().forEach((k, v) -> {
            Matcher m = p.matcher(k);
            if (m.matches() && !v.isEmpty()) {
                String value = req.params().get("Tag." + m.group(1) + ".Value");
                if (value == null && valueDefaultsToEmpty) {
                    value = "";
                } else if (value != null && value.isEmpty() && !valueDefaultsToEmpty) {
                    value = null; // an empty filter value is no value
                }
                byIndex.put(Integer.parseInt(m.group(1)), new Tag(v, value));
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** Whether {@code tags} satisfy every filter (same key, and same value when the filter has one). */
    static boolean matchesTags(List<Tag> tags, List<Tag> filters) {
        return filters.stream().allMatch(f -> tags.stream().anyMatch(t -> t.key().equals(f.key())
                && (f.value() == null || f.value().equals(t.value()))));
    }

    /** Writes {@code Tags.Tag[]} with the given field names (ECS: TagKey/TagValue; VPC: Key/Value). */
    static void renderTags(ObjectNode parent, List<Tag> tags, String keyField, String valueField) {
        ArrayNode list = parent.putObject("Tags").putArray("Tag");
        tags.forEach(t -> list.addObject().put(keyField, t.key()).put(valueField, t.value()));
    }

    /** A parameter holding a JSON array of strings, such as DescribeInstances' InstanceIds; null when absent. */
    static Set<String> jsonStringArray(ApiRequest req, String name, int max) {
        String value = req.param(name);
        if (value == null) {
            return null;
        }
        Set<String> out = parseJsonStrings(value, max);
        if (out == null) {
            throw ApiError.invalidParameter(name, "Expected a JSON array of at most " + max + " strings.");
        }
        return out;
    }

    /** The strings of a JSON array, or null when {@code value} is not one or holds more than {@code max}. */
    static Set<String> parseJsonStrings(String value, int max) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node != null && node.isArray() && node.size() <= max) {
                Set<String> out = new LinkedHashSet<>();
                for (JsonNode n : node) {
                    if (!n.isTextual()) {
                        return null;
                    }
                    out.add(n.asText());
                }
                return out;
            }
        } catch (JsonProcessingException e) {
            // falls through
        }
        return null;
    }

    /** A comma-separated list parameter (e.g. DescribeVpcs' VpcId); null when absent. */
    static Set<String> commaList(ApiRequest req, String name) {
        String value = req.param(name);
        if (value == null) {
            return null;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Name filters accept {@code *} as a wildcard; without one they match exactly. */
    static Pattern glob(String value) {
        return Pattern.compile(Arrays.stream(value.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")));
    }

    /**
     * Classic paging: reads {@code PageNumber} (from 1) and {@code PageSize} (1 to {@code maxSize},
     * default 10), writes them and {@code TotalCount} into {@code body}, and returns the page.
     */
    static <T> List<T> page(ApiRequest req, ObjectNode body, List<T> matches, int maxSize) {
        int page = intParam(req, "PageNumber", 1, 1, Integer.MAX_VALUE);
        int size = intParam(req, "PageSize", 10, 1, maxSize);
        int from = (int) Math.min((long) (page - 1) * size, matches.size());
        body.put("PageNumber", page).put("PageSize", size).put("TotalCount", matches.size());
        return matches.subList(from, Math.min(from + size, matches.size()));
    }

    /**
     * Token paging: reads {@code NextToken} and {@code MaxResults} (1 to {@code maxSize}, default
     * {@code dfltSize}), writes the next token (empty on the last page) and returns the page.
     */
    static <T> List<T> tokenPage(ApiRequest req, ObjectNode body, List<T> matches, int dfltSize, int maxSize) {
        int size = intParam(req, "MaxResults", dfltSize, 1, maxSize);
        int from = Math.min(decodeToken(req.param("NextToken")), matches.size());
        int next = from + size;
        body.put("NextToken", next < matches.size() ? encodeToken(next) : "");
        return matches.subList(from, Math.min(next, matches.size()));
    }

    private static String encodeToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token) {
        if (token == null) {
            return 0;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (raw.startsWith("o:")) {
                return Integer.parseInt(raw.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiError.invalidParameter("NextToken", "The token is not one this API returned.");
    }

    static String seconds(String isoInstant) {
        return SECONDS.format(Instant.parse(isoInstant));
    }

    static String minutes(String isoInstant) {
        return MINUTES.format(Instant.parse(isoInstant));
    }
}
