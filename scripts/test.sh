#!/usr/bin/env bash
# Runs Herald's tests on the versions it supports (README "Supported versions").
#
#   bash scripts/test.sh            what CI runs: the default versions (with an application built on
#                                   Spring Boot 3.5.7's dependency management), the Redis tests on
#                                   Spring Boot 3.5.7's Lettuce and Jackson, and the core on Jackson 2.15
#   bash scripts/test.sh --matrix   all of that, then Spring Boot 4.0.7's versions, the newest
#                                   Lettuce 7 and Jackson 2, and the whole build on Java 25
#
# Needs JDK 17, Maven, redis-server and Node.js 20 with npm; the tests start their own redis-server
# processes on free ports, never on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."

matrix=false
case "${1:-}" in
  "") ;;
  --matrix) matrix=true ;;
  *) echo "usage: bash scripts/test.sh [--matrix]" >&2; exit 2 ;;
esac

# the later legs rebuild a few modules on other versions; Javadoc and sources were checked by the first
quick=(-Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
redis_modules=herald-core,herald-testkit,herald-redis

leg() {
  local what=$1
  shift
  echo
  echo "=== ${what}"
  "$@"
}

leg "default versions; herald-compat-spring-boot on Spring Boot 3.5.7's" \
  mvn -B verify
leg "Spring Boot 3.5.7's Lettuce 6.6.0 and Jackson 2.19.2: Redis integration tests and conformance suites" \
  mvn -B verify -Pboot35 -pl "$redis_modules" "${quick[@]}"
leg "herald-core on Jackson 2.15.2" \
  mvn -B verify -Pjackson215 -pl herald-core "${quick[@]}"

if $matrix; then
  leg "Spring Boot 4.0.7's Lettuce 6.8.2 and Jackson 2.21.4, and an application on its dependency management" \
    mvn -B verify -Pboot40 -pl "$redis_modules,herald-compat-spring-boot" "${quick[@]}"
  leg "the newest Lettuce 7 and Jackson 2" \
    mvn -B verify -Pnewest -pl "$redis_modules" "${quick[@]}"
  java25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  if [ ! -x "$java25/bin/java" ]; then
    echo "no Java 25 at $java25: set JAVA25_HOME to a JDK 25" >&2
    exit 1
  fi
  leg "Java 25 ($java25), default versions" \
    env JAVA_HOME="$java25" mvn -B verify "${quick[@]}"
fi
echo
echo "=== every leg passed"
