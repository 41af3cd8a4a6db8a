package dev.herald.internal.codec;

import org.jspecify.annotations.Nullable;

/**
 * Where an event's {@code data} sits: a slice of the received message (not a copy), parsed
 * into the handler's class only when the handler runs.
 *
 * @param bytes the message, or the re-encoded scalar
 * @param offset where the data's JSON starts
 * @param length its length in bytes
 * @param parsed the data already bound to the class of the handler it was decoded for, or null
 */
public record DataSlice(byte[] bytes, int offset, int length, @Nullable Object parsed) {
}
