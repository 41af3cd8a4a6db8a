package dev.herald.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.databind.ser.std.StringSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes a long plain-ASCII string value as its bytes, in one copy, instead of Jackson's
 * character-by-character escaping: the same output, in clearly less time for an event with a
 * long string (SpeedUpBench; docs/BENCHMARKS.md, "Hand-written speed-ups"). A string that is short, not ASCII, or holds a character JSON escapes
 * (control characters, {@code "}, {@code \}, and {@code /} where the mapper escapes forward
 * slashes) is written by Jackson as before, as is everything when the generator has custom
 * character escapes, escapes ASCII characters, or is not Jackson's UTF-8 JSON generator.
 *
 * <p>Installed by {@link #install} only where Jackson's own {@link StringSerializer} would write
 * strings, and only after checking how the mapper writes every printable ASCII character: a
 * mapper with its own string serializer, another quote character or other escapes keeps
 * Jackson's way. Thread-safe (stateless).
 */
final class AsciiStringSerializer extends StdScalarSerializer<String> {

    /** Jackson 2.17 and later can escape forward slashes; before, it never does. */
    private static final JsonGenerator.@Nullable Feature ESCAPE_SLASHES = JacksonFeatures.writeFeature("ESCAPE_FORWARD_SLASHES")
            .map(JsonWriteFeature::mappedFeature).orElse(null);

    /** Below this length, checking first costs more than it saves. */
    private static final int MIN_LENGTH = 32;

    private AsciiStringSerializer() {
        super(String.class, false);
    }

    /**
     * Registers the serializer on {@code mapper} unless strings already have a custom serializer
     * there, or the mapper writes a printable ASCII character other than {@code "}, {@code \}
     * and {@code /} otherwise than as itself between double quotes.
     */
    static void install(ObjectMapper mapper) {
        // asked of copies: the mapper itself would cache its answers and keep using them after the registration
        try {
            if (mapper.copy().getSerializerProviderInstance().findValueSerializer(String.class).getClass() != StringSerializer.class) {
                return;
            }
            StringBuilder printable = new StringBuilder();
            for (char c = 0x20; c < 0x7F; c++) {
                if (c != '"' && c != '\\' && c != '/') {
                    printable.append(c);
                }
            }
            ObjectMapper probe = mapper.copy();
            if (!probe.writeValueAsString(printable.toString()).equals('"' + printable.toString() + '"')) {
                return; // another quote character, or escapes of its own
            }
            mapper.registerModule(new SimpleModule("herald-ascii-strings").addSerializer(String.class, new AsciiStringSerializer()));
        } catch (IOException | RuntimeException e) {
            // a mapper that cannot even write a string keeps Jackson's way, and fails there as it would
        }
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, String value) {
        return value.isEmpty(); // as StringSerializer: for @JsonInclude(NON_EMPTY)
    }

    @Override
    public void serialize(String value, JsonGenerator g, SerializerProvider provider) throws IOException {
        int n = value.length();
        if (n >= MIN_LENGTH && g instanceof UTF8JsonGenerator && g.getCharacterEscapes() == null
                && (g.getHighestEscapedChar() == 0 || g.getHighestEscapedChar() >= 0x7F)
                && value.charAt(0) < 0x80 && value.charAt(n - 1) < 0x80) {
            // one fast copy for a Latin-1 string without bytes >= 0x80; as long as the string iff all ASCII
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            if (utf8.length == n && PlainText.firstSpecial(utf8, 0, n, ESCAPE_SLASHES != null && g.isEnabled(ESCAPE_SLASHES)) == n) {
                g.writeRawUTF8String(utf8, 0, n); // quoted, not escaped: nothing here needs escaping
                return;
            }
        }
        g.writeString(value);
    }
}
