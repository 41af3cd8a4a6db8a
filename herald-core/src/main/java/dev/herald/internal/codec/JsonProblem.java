package dev.herald.internal.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What Jackson found wrong with JSON, said for a person: the problem, where it is as line and
 * column of the message, and for data that does not fit its class the field, without Jackson's
 * {@code [Source: REDACTED ...]} location text (or, on Jackson 2.15, the JSON itself). Works on
 * every Jackson 2 from 2.15. Stateless.
 */
final class JsonProblem {

    /** Jackson's location inside its own messages ("start marker at [Source: ...; line: 1, column: 1]"). */
    private static final Pattern LOCATION = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]", Pattern.DOTALL);

    private JsonProblem() {
    }

    /** The problem alone, on one line, its nested locations said as "line L, column C". */
    static String problem(Throwable e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        Matcher m = LOCATION.matcher(message);
        return m.replaceAll("line $1, column $2").replaceAll("\\s+", " ").strip();
    }

    /**
     * Where the problem is: "line L, column C" of the message, and the field for data that does
     * not fit its class ("field 'items[2].sku'"); empty when Jackson does not say.
     *
     * @param json the bytes the parser read, or null
     * @param offset where the parser began in {@code json}: line and column count from the start of {@code json}
     */
    private static String where(Throwable e, byte @Nullable [] json, int offset) {
        StringBuilder s = new StringBuilder();
        JsonLocation location = e instanceof JsonProcessingException j ? j.getLocation() : null;
        if (location != null && location.getLineNr() > 0 && location.getColumnNr() > 0) {
            int line = location.getLineNr();
            int column = location.getColumnNr();
            if (json != null && offset > 0 && offset <= json.length) { // the parser read a slice of the message
                int lineStart = 0;
                int linesBefore = 0;
                for (int i = 0; i < offset; i++) {
                    if (json[i] == '\n') {
                        linesBefore++;
                        lineStart = i + 1;
                    }
                }
                column = line == 1 ? offset - lineStart + column : column;
                line += linesBefore;
            }
            s.append("line ").append(line).append(", column ").append(column);
        }
        String field = e instanceof JsonMappingException m ? field(m) : "";
        if (!field.isEmpty()) {
            s.append(s.length() == 0 ? "" : ", ").append("field '").append(field).append('\'');
        }
        return s.toString();
    }

    /** The path to the value that failed, such as {@code items[2].sku}; empty at the top. */
    private static String field(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** {@code where} with a leading " at ", or empty. */
    static String at(Throwable e, byte @Nullable [] json, int offset) {
        String where = where(e, json, offset);
        return where.isEmpty() ? "" : " at " + where;
    }
}
