package io.fastgpu.emulator.aliyun;

/**
 * A resource tag as the OpenAPI stores it.
 *
 * @param value the tag value; in a filter, null matches any value
 */
public record Tag(String key, String value) {}
