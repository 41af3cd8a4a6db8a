package dev.herald.internal.codec;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Maps event classes to wire type names and back: {@code @EventType}, or registered by hand.
 * Never uses class names on the wire. Thread-safe.
 */
public final class EventTypeRegistry {

    private static final ClassValue<Optional<String>> ANNOTATED = new ClassValue<>() {
        @Override
        protected Optional<String> computeValue(Class<?> type) {
            EventType annotation = type.getAnnotation(EventType.class);
            if (annotation == null) {
                return Optional.empty();
            }
            checkTypeName(annotation.value());
            return Optional.of(annotation.value());
        }
    };

    /** The class by-name subscriptions decode a type's data into: registered, or subscribed by class. */
    private final Map<String, Class<?>> classByType = new ConcurrentHashMap<>();
    private final Map<Class<?>, String> typeByRegisteredClass = new ConcurrentHashMap<>();
    /** Every class seen with its type name, subscribed or published: one class per name. */
    private final Map<String, Class<?>> classByClaimedType = new ConcurrentHashMap<>();

    public EventTypeRegistry(Map<String, Class<?>> registered) {
        registered.forEach((type, cls) -> {
            classByType.put(type, cls);
            classByClaimedType.put(type, cls);
            typeByRegisteredClass.put(cls, type);
        });
    }

    /** The {@code @EventType} of a class; the default of {@link DomainEvent#eventType()}. */
    public static String annotatedTypeOf(Class<?> eventClass) {
        return ANNOTATED.get(eventClass).orElseThrow(() -> missingType(eventClass));
    }

    /**
     * The beginning of the type names reserved for Herald's control traffic, such as the Pub/Sub
     * heartbeat ({@code herald.heartbeat}): no event of the user's is published or handled under one.
     */
    private static final String RESERVED_PREFIX = "herald.";

    /**
     * Rejects a type name that cannot name a channel or stream, or that begins with
     * {@link #RESERVED_PREFIX}: checked on subscribing, registering, and publishing.
     */
    public static void checkTypeName(String type) {
        boolean bad = type.isEmpty() || type.length() > 200;
        for (int i = 0; i < type.length() && !bad; i++) { // no stream: this runs on every publish
            char c = type.charAt(i);
            bad = Character.isWhitespace(c) || Character.isISOControl(c);
        }
        if (bad) {
            throw new IllegalArgumentException("event type '" + type
                    + "' is invalid: use 1 to 200 characters without white space, such as 'order.placed'");
        }
        if (type.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException("event type '" + type + "' is reserved: types beginning with '"
                    + RESERVED_PREFIX + "' are Herald's control traffic (such as 'herald.heartbeat'); name the event"
                    + " in your own namespace, such as 'order.placed'");
        }
    }

    /** The type name of a class, for subscribing; remembers the class for decoding by-name subscriptions. */
    public String typeOf(Class<?> eventClass) {
        String type = typeByRegisteredClass.get(eventClass);
        if (type == null) {
            type = annotatedTypeOf(eventClass);
        }
        claim(type, eventClass);
        classByType.putIfAbsent(type, eventClass);
        return type;
    }

    /** Records that a class goes by a type name; a second class claiming the same name is refused. */
    private void claim(String type, Class<?> eventClass) {
        Class<?> owner = classByClaimedType.get(type); // a read on the publish path: the common case
        if (owner == null) {
            owner = classByClaimedType.putIfAbsent(type, eventClass);
        }
        if (owner != null && owner != eventClass) {
            throw new IllegalArgumentException("event type '" + type + "' is claimed by two classes, " + owner.getName()
                    + " and " + eventClass.getName() + ": each would receive the other's events; give one of them"
                    + " another @EventType name");
        }
    }

    /** The type name of an event instance, for publishing. */
    public String typeOf(Object event) {
        Class<?> cls = event.getClass();
        String type = typeByRegisteredClass.get(cls);
        if (type != null) {
            return type;
        }
        if (event instanceof DomainEvent domainEvent) {
            type = domainEvent.eventType();
            Optional<String> annotated = ANNOTATED.get(cls);
            if (annotated.isEmpty() || annotated.get() != type) { // the annotation's own string was checked once
                checkTypeName(type);
                return type; // computed per event: a name of the event, not of its class
            }
            claim(type, cls);
            return type;
        }
        type = annotatedTypeOf(cls);
        claim(type, cls);
        return type;
    }

    /** The class known for a type name, or null. */
    public @Nullable Class<?> classFor(String type) {
        return classByType.get(type);
    }

    private static IllegalArgumentException missingType(Class<?> eventClass) {
        return new IllegalArgumentException("class " + eventClass.getName()
                + " has no event type name: annotate it with @EventType(\"some.type\")"
                + " or register it with the bus builder's registerType(\"some.type\", " + eventClass.getSimpleName() + ".class)");
    }
}
