package dev.herald.spi;

/**
 * What a transport promises beyond the basics (publish, subscribe, fan-out to every handler of a
 * type while it is subscribed). The conformance suite tests what is declared and skips the rest.
 *
 * @param persistent events published while no subscriber runs are kept and delivered later
 * @param consumerGroups instances of one service share a handler's work instead of each getting every event
 * @param redelivery an event whose handling was not acknowledged (crash) is delivered again
 * @param rawPublish the suite can inject raw bytes (bad input) onto a topic
 */
public record TransportFeatures(boolean persistent, boolean consumerGroups, boolean redelivery, boolean rawPublish) {

    /** In-memory and Redis Pub/Sub: fire and forget, nothing kept. */
    public static final TransportFeatures BROADCAST = new TransportFeatures(false, false, false, true);

    /** Redis Streams: kept for absent subscribers, shared by a service's instances, redelivered after a crash. */
    public static final TransportFeatures DURABLE = new TransportFeatures(true, true, true, true);
}
