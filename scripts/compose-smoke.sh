#!/usr/bin/env bash
# Checks the compose stack end to end on a machine with Docker. Run it before trusting a deployment:
#   scripts/compose-smoke.sh
# 1. builds and starts Neo4j, Redis and two Explorer instances (the scale profile) under a throwaway project
#    name, ports and password, and waits until Neo4j is healthy and both instances answer /healthz;
# 2. asks "NATO to Balkans" over HTTP through both instances (anonymous reads are allowed for this run only);
# 3. backs Neo4j up with scripts/neo4j-backup.sh and waits until it is healthy again;
# 4. runs the Neo4j contract suite and the parity suite against the stack's Neo4j (they wipe its data);
# 5. removes everything (docker compose down -v), also on failure.
# Needs docker (compose v2, or docker-compose 1.29+), curl and the .NET SDK. Exit code 0 means every step passed.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi

export COMPOSE_PROJECT_NAME="explorer-smoke-$$"
export NEO4J_HTTP_PORT="${NEO4J_HTTP_PORT:-17474}" NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-17687}"
export EXPLORER_PORT="${EXPLORER_PORT:-18080}" EXPLORER_2_PORT="${EXPLORER_2_PORT:-18081}"
export EXPLORER_REDIS=redis:6379 EXPLORER_ANONYMOUS_READS=Always
secrets=$(mktemp -d)
password="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'neo4j/%s\n' "$password" > "$secrets/neo4j-auth"
chmod 644 "$secrets/neo4j-auth"
export NEO4J_AUTH_FILE="$secrets/neo4j-auth"
backups="$secrets/backups"

step() { printf '\n== %s\n' "$*"; }
cleanup() {
  step "removing the stack"
  "${compose[@]}" --profile scale down -v --remove-orphans || true
  rm -rf "$secrets"
}
trap cleanup EXIT

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then echo "$what: ok"; return 0; fi
    sleep 1
  done
  echo "$what: not ready after ${seconds} s" >&2
  "${compose[@]}" --profile scale ps >&2 || true
  "${compose[@]}" --profile scale logs --tail=50 >&2 || true
  return 1
}
neo4j_healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$("${compose[@]}" ps -q neo4j)")" = healthy ]; }
answers() { curl -fsS "http://localhost:$1/healthz"; }

step "starting Neo4j, Redis and two Explorer instances"
"${compose[@]}" --profile scale up -d --build
wait_for "neo4j healthy" 300 neo4j_healthy
wait_for "explorer on :$EXPLORER_PORT" 300 answers "$EXPLORER_PORT"
wait_for "explorer-2 on :$EXPLORER_2_PORT" 120 answers "$EXPLORER_2_PORT"

step "NATO to Balkans through both instances"
for port in "$EXPLORER_PORT" "$EXPLORER_2_PORT"; do
  answer=$(curl -fsS "http://localhost:$port/api/query?q=NATO%20to%20Balkans")
  echo "$answer" | grep -q '"kind":"path"' || { echo "instance :$port did not answer with a path: $answer" >&2; exit 1; }
  echo "$answer" | grep -q '"paths":\[{' || { echo "instance :$port found no path: $answer" >&2; exit 1; }
  echo ":$port answers with a path"
done

step "backup"
scripts/neo4j-backup.sh "$backups"
wait_for "neo4j healthy after the backup" 300 neo4j_healthy
wait_for "explorer answers after the backup" 120 answers "$EXPLORER_PORT"

step "Neo4j contract suite and parity suite against the stack's Neo4j"
EXPLORER_TEST_NEO4J_URI="http://localhost:$NEO4J_HTTP_PORT" EXPLORER_TEST_NEO4J_USER=neo4j EXPLORER_TEST_NEO4J_PASSWORD="$password" \
  dotnet test tests/Explorer.Tests/Explorer.Tests.csproj --filter "FullyQualifiedName~Neo4jGraphStoreContractTests|FullyQualifiedName~Explorer.Tests.Parity"

step "all smoke checks passed"
