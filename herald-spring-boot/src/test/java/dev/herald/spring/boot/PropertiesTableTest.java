package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's table of properties (section "Spring Boot") against the configuration metadata
 * the build generates: every property has its row (a handler's, each of its own), and every row
 * names a property.
 */
class PropertiesTableTest {

    private static final Pattern NAME = Pattern.compile("^\\| `([a-z0-9.\\-\\[\\]<>]+)`");
    private static final String HANDLER = "herald.handlers[<name>].";

    @Test
    void theReadmeTableHasARowForEveryPropertyAndNoOther() throws IOException {
        List<String> metadata = new ArrayList<>();
        try (InputStream in = HeraldProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            for (JsonNode p : new ObjectMapper().readTree(in).path("properties")) {
                metadata.add(p.path("name").asText());
            }
        }
        List<String> rows = new ArrayList<>();
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("\n### Properties\n", readme.indexOf("\n## Spring Boot\n"));
        assertThat(section).as("README section Spring Boot, Properties").isPositive();
        int end = readme.indexOf("\n#", section + 1);
        for (String line : readme.substring(section, end < 0 ? readme.length() : end).lines().toList()) {
            Matcher m = NAME.matcher(line);
            if (m.find()) {
                rows.add(m.group(1));
            }
        }
        assertThat(metadata).as("the metadata's properties").hasSizeGreaterThan(25);
        metadata.remove("herald.handlers"); // a map: its values' properties instead
        metadata.addAll(handlerProperties());
        assertThat(rows).as("the README's rows").containsExactlyInAnyOrderElementsOf(metadata);
    }

    /** The properties of one handler, 'herald.handlers[<name>].concurrency'..., from HeraldProperties.Handler. */
    private static List<String> handlerProperties() {
        List<String> names = new ArrayList<>();
        for (RecordComponent c : HeraldProperties.Handler.class.getRecordComponents()) {
            if (c.getType() == HeraldProperties.Retry.class) {
                for (RecordComponent r : HeraldProperties.Retry.class.getRecordComponents()) {
                    names.add(HANDLER + "retry." + kebab(r.getName()));
                }
            } else {
                names.add(HANDLER + kebab(c.getName()));
            }
        }
        return names;
    }

    private static String kebab(String name) {
        return name.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }
}
