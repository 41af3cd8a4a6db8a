package dev.herald.spring.boot;

import dev.herald.EventType;

@EventType("test.order-placed")
record OrderPlaced(String orderId) {
}
