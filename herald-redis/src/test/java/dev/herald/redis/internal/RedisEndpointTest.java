package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import java.net.ConnectException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** What RedisEndpoint says about errors in the messages of publish failures. */
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
    void anErrorWithoutAMessageIsNamedByItsClassNeverNull() {
        assertThat(RedisEndpoint.rootMessage(new CancellationException())).isEqualTo("CancellationException");
        assertThat(RedisEndpoint.rootMessage(new RuntimeException(new ConnectException("Connection refused"))))
                .isEqualTo("java.net.ConnectException: Connection refused (Connection refused)");
        assertThat(RedisEndpoint.rootMessage(new IllegalStateException(null, new CancellationException())))
                .isEqualTo("IllegalStateException");
    }
}
