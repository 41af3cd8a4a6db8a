/** Herald's benchmarks: the end-to-end load tool ({@code e2e}) and JMH micro-benchmarks. */
@NullMarked
package dev.herald.bench;

import org.jspecify.annotations.NullMarked;
