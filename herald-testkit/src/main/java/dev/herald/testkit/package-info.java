/**
 * Test support for Herald: the {@link dev.herald.testkit.TransportConformanceSuite} that every
 * transport passes, and helpers such as {@link dev.herald.testkit.RecordingSleeper} and
 * {@link dev.herald.testkit.Resources}.
 */
@NullMarked
package dev.herald.testkit;

import org.jspecify.annotations.NullMarked;
