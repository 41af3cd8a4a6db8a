package dev.herald.internal.codec;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.util.Optional;

/**
 * Jackson features that newer Jackson 2 versions add, looked up by name once, so that Herald
 * compiled on the newest Jackson runs on the oldest it supports (2.15) and uses a feature only
 * where the Jackson on the class path has it.
 */
final class JacksonFeatures {

    private JacksonFeatures() {
    }

    /** A {@link JsonWriteFeature} by name, or empty where this Jackson version has none of that name. */
    static Optional<JsonWriteFeature> writeFeature(String name) {
        for (JsonWriteFeature feature : JsonWriteFeature.values()) {
            if (feature.name().equals(name)) {
                return Optional.of(feature);
            }
        }
        return Optional.empty();
    }
}
