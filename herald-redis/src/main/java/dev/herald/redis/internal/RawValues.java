package dev.herald.redis.internal;

import io.lettuce.core.codec.RedisCodec;
import java.nio.ByteBuffer;

/**
 * Byte-array keys and {@link ByteBuffer} values, written out as they are: lets a command send
 * a read-only view of bytes (a dead letter's raw message) without copying them first. Answers
 * are decoded into fresh arrays and buffers.
 */
final class RawValues implements RedisCodec<byte[], ByteBuffer> {

    static final RawValues CODEC = new RawValues();

    private RawValues() {
    }

    @Override
    public byte[] decodeKey(ByteBuffer bytes) {
        byte[] key = new byte[bytes.remaining()];
        bytes.get(key);
        return key;
    }

    @Override
    public ByteBuffer decodeValue(ByteBuffer bytes) {
        ByteBuffer value = ByteBuffer.allocate(bytes.remaining());
        value.put(bytes).flip();
        return value;
    }

    @Override
    public ByteBuffer encodeKey(byte[] key) {
        return ByteBuffer.wrap(key);
    }

    @Override
    public ByteBuffer encodeValue(ByteBuffer value) {
        return value.duplicate(); // encoding reads it: the caller's view keeps its position
    }
}
