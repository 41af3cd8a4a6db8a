package dev.herald.internal.bus;

import dev.herald.internal.codec.ExtensionNames;
import dev.herald.spi.BusObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The extension attributes of one event being published, as its observer sees them: the
 * publisher's headers, to which the observer may add while {@link BusObserver#publishStarted}
 * runs; then {@link #close()} hands them to the envelope. The publisher's map is copied only if
 * the observer sets something. Used on the publishing thread only.
 */
final class PublishAttributes implements BusObserver.Attributes {

    private Map<String, String> headers;
    private boolean copied;
    private boolean open = true;

    PublishAttributes(Map<String, String> headers) {
        this.headers = headers;
    }

    @Override
    public @Nullable String get(String name) {
        return headers.get(name);
    }

    @Override
    public void set(String name, String value) {
        if (!open) {
            throw new IllegalStateException("the attributes of an event can be set only while publishStarted runs,"
                    + " before the event is encoded; '" + name + "' was set later");
        }
        ExtensionNames.check("attribute", name, value);
        if (!copied) {
            headers = new LinkedHashMap<>(headers);
            copied = true;
        }
        headers.put(name, value);
    }

    /** No more changes: the attributes the event is published with. */
    Map<String, String> close() {
        open = false;
        return headers;
    }

    @Override
    public String toString() {
        return headers.toString();
    }
}
