package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The metadata IDEs complete the properties from, generated from HeraldProperties at compile time. */
class ConfigurationMetadataTest {

    @Test
    void theJarDescribesEveryHeraldPropertyTheHealthSwitchAndTheEndpointAccess() throws IOException {
        String metadata;
        try (InputStream in = HeraldProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("\"herald.mode\"", "\"herald.source\"", "\"herald.prefix\"", "\"herald.shutdown-timeout\"",
                "\"herald.retry.max-attempts\"", "\"herald.pubsub.heartbeat-interval\"", "\"herald.pubsub.subscriber-buffer.bytes\"",
                "\"herald.streams.retention\"", "\"herald.streams.start-from\"", "\"herald.handlers\"", "\"herald.max-message-size\"",
                "\"herald.dead-letters.retention\"", "\"herald.streams.publish-replicas\"",
                "\"management.health.herald.enabled\"", "\"management.endpoint.herald.access\"");
    }
}
