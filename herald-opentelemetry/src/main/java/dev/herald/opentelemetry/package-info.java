/**
 * OpenTelemetry tracing for Herald: {@link dev.herald.opentelemetry.OpenTelemetryObserver} makes
 * a {@code send} span per publish and a {@code process} span per handler run, and carries the
 * trace context in the event as the CloudEvents distributed-tracing extension.
 */
@NullMarked
package dev.herald.opentelemetry;

import org.jspecify.annotations.NullMarked;
