package io.fastgpu.core.state;

import java.time.Instant;

/**
 * Something noteworthy that happened, kept for later display.
 *
 * @param id    the store's id for the event, increasing in the order events were appended
 * @param runId the run it belongs to, or {@code null}
 * @param at    when it was appended
 * @param kind  a short label such as {@code notice} or {@code error}
 * @param text  the text
 */
public record EventRecord(long id, Long runId, Instant at, String kind, String text) { }
