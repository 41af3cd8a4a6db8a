#!/usr/bin/env bash
# Runs Herald's tests on the versions it supports (README "Supported versions").
#
#   bash scripts/test.sh            what CI runs: the default versions (with an application built on
#                                   Spring Boot 3.5.7's dependency management, and herald-spring-boot on
#                                   Spring Boot 4.0.7), the Redis, Micrometer and Spring Boot tests on
#                                   Spring Boot 3.5.7 with its Lettuce, Jackson and Micrometer, the
#                                   core on Jackson 2.15, and the sources compiled on those versions
#   bash scripts/test.sh --matrix   also Spring Boot 4.0.7's versions, the newest Lettuce 7 and
#                                   Jackson 2, and the whole build on Java 25
#
# Needs JDK 17, Maven, redis-server and Node.js 18 or later with npm; the tests start their own redis-server
# processes on free ports, never on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."

matrix=false
case "${1:-}" in
  "") ;;
  --matrix) matrix=true ;;
  *) echo "usage: bash scripts/test.sh [--matrix]" >&2; exit 2 ;;
esac

# The later legs run the default build's main classes (compiled on Herald's own Lettuce and Jackson,
# as the published jars are) on other versions: -Dmaven.main.skip keeps them, and only the tests are
# compiled and run against the profile's versions. Javadoc and sources were checked by the first leg.
binary=(-Dmaven.main.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
redis_modules=herald-core,herald-testkit,herald-redis,herald-micrometer

leg() {
  local what=$1
  shift
  echo
  echo "=== ${what}"
  "$@"
}

# the compiler does not see a change of dependency versions: tests compiled in an earlier leg would
# run as they were compiled, so each leg on other versions compiles them afresh
binary_leg() {
  rm -rf herald-*/target/test-classes
  leg "$@"
}

leg "default versions; herald-compat-spring-boot on Spring Boot 3.5.7's" \
  mvn -B verify

# Two short legs run beside the others, in a copy of the tree as the first leg left it (its own
# target directories): herald-core on Jackson 2.15.2, and the sources compiled on the old versions.
# Their output is printed when they are done.
side=$(mktemp -d)
trap 'jobs -p | xargs -r kill 2>/dev/null; rm -rf "$side"' EXIT
cp -a . "$side/tree"
(
  cd "$side/tree"
  binary_leg "herald-core's default build on Jackson 2.15.2" \
    mvn -B verify -Pjackson215 -pl herald-core "${binary[@]}"
  leg "the sources on Spring Boot 3.5.7's Lettuce, Jackson and Micrometer, and herald-core's on Jackson 2.15.2" \
    bash -c 'mvn -B -q compile -Pboot35 -pl herald-core,herald-testkit,herald-redis,herald-micrometer,herald-cli && mvn -B -q compile -Pjackson215 -pl herald-core'
) > "$side/log" 2>&1 &
side_legs=$!

binary_leg "the default build on Spring Boot 3.5.7, its Lettuce 6.6.0, Jackson 2.19.2 and Micrometer 1.15.5: Redis integration tests, conformance suites, herald-micrometer, herald-spring-boot" \
  mvn -B verify -Pboot35 -pl "$redis_modules,herald-spring-boot" "${binary[@]}"

if $matrix; then
  binary_leg "the default build on Spring Boot 4.0.7's Lettuce 6.8.2 and Jackson 2.21.4, and an application on its dependency management" \
    mvn -B verify -Pboot40 -pl "$redis_modules,herald-compat-spring-boot" "${binary[@]}"
  binary_leg "the default build on the newest Lettuce 7 and Jackson 2" \
    mvn -B verify -Pnewest -pl "$redis_modules" "${binary[@]}"
  java25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  if [ ! -x "$java25/bin/java" ]; then
    echo "no Java 25 at $java25: set JAVA25_HOME to a JDK 25" >&2
    exit 1
  fi
  leg "Java 25 ($java25), default versions" \
    env JAVA_HOME="$java25" mvn -B verify -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
fi

side_status=0
wait "$side_legs" || side_status=$?
cat "$side/log"
if [ "$side_status" -ne 0 ]; then
  echo "a leg run beside the others failed (exit $side_status): its output is above" >&2
  exit "$side_status"
fi
# the test classes of the last leg were compiled on other versions: removed, so that a later build
# without 'clean' does not run them as they are (the compiler would not notice the change)
rm -rf herald-*/target/test-classes
echo
echo "=== every leg passed"
