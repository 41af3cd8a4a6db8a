package dev.herald.internal.codec;

import org.jspecify.annotations.Nullable;

/** The attributes of one message as read, before they are checked; filled by one reader on one thread. */
final class UncheckedAttributes {
    @Nullable String specVersion;
    @Nullable String id;
    @Nullable String source;
    @Nullable String type;
    @Nullable String time;
    @Nullable String contentType;
    @Nullable String subject;
    @Nullable String correlationId;
    @Nullable String causationId;
    @Nullable DataSlice data;
    boolean base64;
    CloudEventCodec.@Nullable Extensions headers;
}
