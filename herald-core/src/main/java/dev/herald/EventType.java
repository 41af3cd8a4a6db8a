package dev.herald;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an event class on the wire: the CloudEvents {@code type} attribute and the Redis
 * channel or stream the event travels on.
 *
 * <pre>{@code
 * @EventType("order.placed")
 * record OrderPlaced(String orderId, long cents) implements DomainEvent {}
 * }</pre>
 *
 * <p>The name is a contract with every other service that reads the event: renaming the class
 * is safe, renaming the type is not. Herald never puts Java class names on the wire. A class
 * without this annotation can still be used when it is registered by hand with
 * {@link EventBusBuilder#registerType(String, Class)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /**
     * The event type name, such as {@code "order.placed"}: 1 to 200 characters, none of them
     * white space or control characters.
     *
     * @return the type name
     */
    String value();
}
