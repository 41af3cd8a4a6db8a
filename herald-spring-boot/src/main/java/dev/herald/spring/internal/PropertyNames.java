package dev.herald.spring.internal;

import dev.herald.spring.boot.HeraldProperties;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.env.Environment;

/**
 * Refuses a {@code herald.*} property that no setting binds, so that a misspelt one, or a
 * handler name with a dot written without brackets, fails startup instead of being ignored.
 * Spring's own check ({@code ignoreUnknownFields = false}) would also refuse properties under
 * {@code herald.} that are read elsewhere ({@link #OTHERS}), and cannot say what to write.
 * Stateless.
 */
public final class PropertyNames {

    /** Properties under {@code herald.} that are not {@link HeraldProperties}, read by conditions. */
    static final Set<String> OTHERS = Set.of("herald.modulith.externalization.enabled",
            "herald.observations.meter-handler.enabled");

    /** The settings of a handler, under {@code herald.handlers[<name>].}. */
    private static final Set<String> HANDLER_SETTINGS = Set.of("concurrency", "ordered-by-subject", "queue-capacity", "retry");

    private PropertyNames() {
    }

    /**
     * Checks that every {@code herald.*} property of the environment is a setting.
     *
     * @param environment the application's environment
     * @throws IllegalStateException naming each unknown property, where it comes from, and for a
     *     handler name with a dot, how to write it
     */
    public static void check(Environment environment) {
        try {
            Binder.get(environment).bind("herald", Bindable.of(HeraldProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                List<ConfigurationProperty> unknown = unbound.getUnboundProperties().stream()
                        .filter(p -> !OTHERS.contains(p.getName().toString()))
                        .sorted()
                        .toList();
                if (!unknown.isEmpty()) {
                    throw new IllegalStateException(message(unknown));
                }
            }
            // a bad value: binding the properties bean reports it, naming the property
        }
    }

    private static String message(List<ConfigurationProperty> unknown) {
        StringJoiner message = new StringJoiner("; ", "Herald has no setting ", "");
        for (ConfigurationProperty property : unknown) {
            String hint = handlerHint(property.getName());
            message.add(property.getName() + (property.getOrigin() != null ? " (" + property.getOrigin() + ")" : "")
                    + (hint != null ? ": " + hint : ""));
        }
        return message + ". Herald would ignore it: correct or remove it (the herald.* settings are in the README's"
                + " Spring Boot section, and IDEs complete them)";
    }

    /**
     * For {@code herald.handlers.a.b.concurrency}, how to write a handler name with a dot; null
     * for another property.
     */
    static @Nullable String handlerHint(ConfigurationPropertyName name) {
        if (name.getNumberOfElements() < 5 || !name.getElement(0, Form.UNIFORM).equals("herald")
                || !name.getElement(1, Form.UNIFORM).equals("handlers")) {
            return null;
        }
        for (int i = 3; i < name.getNumberOfElements(); i++) {
            if (HANDLER_SETTINGS.contains(name.getElement(i, Form.DASHED))) {
                StringJoiner handler = new StringJoiner(".");
                for (int j = 2; j < i; j++) {
                    handler.add(name.getElement(j, Form.ORIGINAL));
                }
                StringJoiner setting = new StringJoiner(".");
                for (int j = i; j < name.getNumberOfElements(); j++) {
                    setting.add(name.getElement(j, Form.ORIGINAL));
                }
                return "a handler name with a dot goes in brackets, or Spring reads the dot as a nested property:"
                        + " write herald.handlers[" + handler + "]." + setting + " (in YAML, the key \"[" + handler + "]\":"
                        + " under herald.handlers)";
            }
        }
        return null;
    }
}
