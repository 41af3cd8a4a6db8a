package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's code examples are the tests' code: every block between README-EXAMPLE markers in
 * a test source appears in the README (indentation aside), so an example that stops compiling or
 * working fails a test, and the README cannot drift from it.
 */
class ReadmeExamplesTest {

    private static final Pattern BLOCK = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END",
            Pattern.DOTALL);

    @Test
    void everyMarkedExampleInTheTestsIsInTheReadmeAsItIs() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = normalized(Files.readString(root.resolve("README.md")));
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/java/")
                    && !p.toString().contains("/target/")).collect(Collectors.toList());
        }
        List<String> blocks = new ArrayList<>();
        for (Path source : sources) {
            Matcher m = BLOCK.matcher(Files.readString(source));
            while (m.find()) {
                blocks.add(root.relativize(source) + "\n" + m.group(1));
                assertThat(readme).as("the README shows the example in %s as it is", root.relativize(source))
                        .contains(normalized(m.group(1)));
            }
        }
        assertThat(blocks).as("examples found").hasSizeGreaterThanOrEqualTo(6);
    }

    private static String normalized(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }
}
