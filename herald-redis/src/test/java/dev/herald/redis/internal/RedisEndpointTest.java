package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** What RedisEndpoint says about errors in the messages of publish failures, and what it refuses once shut down. */
class RedisEndpointTest {

    @Test
    void anErrorIsSaidWithItsRootCause() {
        RedisConnectionException e = new RedisConnectionException("Unable to connect to 127.0.0.1:7000",
                new ConnectException("Connection refused"));
        assertThat(RedisEndpoint.rootMessage(e)).isEqualTo("Unable to connect to 127.0.0.1:7000 (Connection refused)");
        assertThat(RedisEndpoint.rootMessage(new RedisCommandExecutionException("WRONGPASS invalid username-password pair")))
                .isEqualTo("WRONGPASS invalid username-password pair");
    }

    @Test
    void lettucesHandshakeRaceIsToldFromOtherFailuresToConnect() {
        assertThat(RedisEndpoint.isHandshakeRace(new RedisConnectionException("Unable to connect to 127.0.0.1:7000",
                new IllegalStateException("RedisHandshakeHandler not registered")))).isTrue();
        assertThat(RedisEndpoint.isHandshakeRace(new RedisConnectionException("Unable to connect to 127.0.0.1:7000",
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair")))).isFalse();
        assertThat(RedisEndpoint.isHandshakeRace(new RedisConnectionException("Unable to connect to 127.0.0.1:7000",
                new ConnectException("Connection refused")))).isFalse();
    }

    @Test
    void aUsersClientIsNamedByTheDescriptionGivenElseAsTheGivenClient() {
        RedisClient users = RedisClient.create();
        try {
            assertThat(RedisEndpoint.shared(users, "redis://cache-1:6379").describe()).isEqualTo("redis://cache-1:6379");
            assertThat(RedisEndpoint.shared(users).describe()).isEqualTo("the Redis of the given RedisClient");
        } finally {
            users.shutdown();
        }
    }

    @Test
    void anErrorWithoutAMessageIsNamedByItsClassNeverNull() {
        assertThat(RedisEndpoint.rootMessage(new CancellationException())).isEqualTo("CancellationException");
        assertThat(RedisEndpoint.rootMessage(new RuntimeException(new ConnectException("Connection refused"))))
                .isEqualTo("java.net.ConnectException: Connection refused (Connection refused)");
        assertThat(RedisEndpoint.rootMessage(new IllegalStateException(null, new CancellationException())))
                .isEqualTo("IllegalStateException");
    }

    @Test
    void aNodeConnectionAfterShutdownIsRefusedNamingTheEndpointAndMakesNoClient() {
        RedisClusterClient users = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:1")); // never connected
        try {
            RedisEndpoint endpoint = RedisEndpoint.shared(users);
            endpoint.shutdown();
            RedisClusterNode node = new RedisClusterNode();
            node.setUri(RedisURI.create("redis://127.0.0.1:1"));

            assertThatThrownBy(() -> endpoint.connectToNode(node)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot connect to the Redis Cluster of the given RedisClusterClient: the bus's Redis client"
                            + " was shut down");
            assertThatThrownBy(() -> endpoint.connectToNode(node, Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> endpoint.connectPubSubToNode(node, "herald", Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(endpoint.nodeClientIfMade()).as("no client left for nothing to shut down").isNull();
        } finally {
            users.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
