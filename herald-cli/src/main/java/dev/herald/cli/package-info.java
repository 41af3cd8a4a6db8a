/** The {@code herald} command line tool. */
@NullMarked
package dev.herald.cli;

import org.jspecify.annotations.NullMarked;
