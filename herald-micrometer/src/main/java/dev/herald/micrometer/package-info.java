/**
 * Herald on Micrometer: {@link dev.herald.micrometer.MicrometerObserver} turns publishes and
 * handler runs into the observations {@code herald.publish} and {@code herald.process} (timers
 * with Micrometer's meter handler, spans with a tracing bridge, the trace context carried in the
 * event), and {@link dev.herald.micrometer.HeraldMetrics} binds a bus's counters, backlog and
 * health as meters.
 */
@NullMarked
package dev.herald.micrometer;

import org.jspecify.annotations.NullMarked;
