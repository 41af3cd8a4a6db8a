/**
 * The service-provider interface between Herald's bus and its transports: bytes in, bytes out.
 *
 * <p>A transport moves opaque messages (CloudEvents JSON) between topics (one per event type)
 * and listeners (one per handler); the bus does everything else: encoding, dispatch, retry,
 * dead letters, shutdown. Users of Herald do not need this package; authors of transports do:
 * {@link dev.herald.spi.TransportBus} builds a bus over their transport, and the conformance
 * suite in herald-testkit proves it.
 */
@NullMarked
package dev.herald.spi;

import org.jspecify.annotations.NullMarked;
