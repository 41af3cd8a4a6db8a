package dev.herald.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON read and written as given: decimals keep their digits ({@code 2.50} stays {@code 2.50}),
 * and anything after the value is an error, not ignored.
 */
final class ExactJson {

    /** The mapper; thread-safe. */
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false).build();

    private ExactJson() {
    }

    /**
     * What is wrong with JSON that did not parse, on one line, to follow "not valid JSON":
     * " at line L, column C: " and Jackson's problem, its own location text
     * ("[Source: REDACTED ...; line: 1, column: 1]") said the same way.
     */
    static String problem(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String problem = String.valueOf(e.getOriginalMessage())
                .replaceAll("(?s)\\[Source: .*?; line: (\\d+), column: (\\d+)]", "line $1, column $2").replaceAll("\\s+", " ");
        return (at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "") + ": "
                + problem.strip();
    }
}
