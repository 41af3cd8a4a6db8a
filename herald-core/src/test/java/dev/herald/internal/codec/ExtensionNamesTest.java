package dev.herald.internal.codec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An extension name is 1 to 20 lower-case ASCII letters or digits, not a reserved one. */
class ExtensionNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "tenantid", "traceparent", "tracestate", "abcdefghij0123456789"})
    void aNameOfLowerCaseLettersAndDigitsIsTaken(String name) {
        assertThatCode(() -> ExtensionNames.check("header", name, "v")).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abcdefghij0123456789x", "Tenant", "tenant-id", "tenant_id", "tenant id", "é", "ａ", "x\n"})
    void anyOtherNameIsRefusedNamingIt(String name) {
        assertThatThrownBy(() -> ExtensionNames.check("header", name, "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header name '" + name + "' is not a CloudEvents extension name");
    }

    @Test
    void aReservedNameIsRefused() {
        assertThatThrownBy(() -> ExtensionNames.check("header", "correlationid", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is reserved");
    }
}
