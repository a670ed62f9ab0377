#!/usr/bin/env bash
# Checks the compose stack end to end on a machine with Docker. Run it before trusting a deployment:
#   scripts/compose-smoke.sh
# 1. builds and starts Neo4j, Redis and two Explorer instances (the scale profile) under a throwaway project
#    name, ports and password, and waits until Neo4j is healthy and both instances answer /healthz;
# 2. asks "NATO to Balkans" over HTTP through both instances (anonymous reads are allowed for this run only);
# 3. writes: adds an analyst and an API token with the CLI (straight into the stack's Neo4j), annotates an edge
#    through the first instance, reads it back through the second with the write's bookmark token
#    (read-your-writes across instances, the token accepted by the other instance's keys), edits
#    it there, deletes it through the first with the ETag and sees it gone from the edge through the second;
# 4. backs Neo4j up with scripts/neo4j-backup.sh and waits until it is healthy again;
# 5. runs the Neo4j contract suite and the parity suite against the stack's Neo4j (they wipe its data);
# 6. removes everything (docker compose down -v), also on failure.
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

step "writes: annotate an edge through one instance, read, edit and delete it through both"
cli() { Neo4j__Password="$password" dotnet run --project src/Explorer.Cli -- "$@" --store neo4j --neo4j-uri "http://localhost:$NEO4J_HTTP_PORT" --neo4j-user neo4j; }
printf '%s\n' "smoke-$password" | cli users add smoke-analyst --role analyst --password-stdin
token=$(cli tokens create smoke-analyst --name "compose smoke")
auth=(-H "Authorization: Bearer $token")
edge=$(curl -fsS "http://localhost:$EXPLORER_PORT/api/query?q=NATO%20to%20Balkans" | grep -o '"edges":\["[^"]*"' | head -1 | sed 's/.*\["//; s/"$//')
[ -n "$edge" ] || { echo "no edge id in the path answer" >&2; exit 1; }
headers=$(mktemp)
created=$(curl -fsS -D "$headers" "${auth[@]}" -H 'Content-Type: application/json' \
  -d '{"text":"compose smoke: written through the first instance","tags":["smoke"],"confidence":"high","status":"proposed"}' \
  "http://localhost:$EXPLORER_PORT/api/edges/$edge/annotations")
id=$(echo "$created" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//; s/"$//')
[ -n "$id" ] || { echo "the annotation was not created: $created" >&2; exit 1; }
echo "annotation $id on edge $edge (through :$EXPLORER_PORT)"
# The write's answer carries a bookmark token; the second instance must accept it (shared data protection keys)
# and read at least that state, before the backplane's event could have reached it.
bookmark=$(tr -d '\r' < "$headers" | sed -n 's/^[Ee]xplorer-[Bb]ookmark: //p')
[ -n "$bookmark" ] || { echo "the write's answer carries no Explorer-Bookmark header" >&2; exit 1; }
read_back=$(curl -fsS "${auth[@]}" -H "Explorer-Bookmark: $bookmark" "http://localhost:$EXPLORER_2_PORT/api/annotations/$id")
echo "$read_back" | grep -q 'written through the first instance' || { echo "the second instance does not see it: $read_back" >&2; exit 1; }
if "${compose[@]}" --profile scale logs explorer-2 2>&1 | grep -q 'Ignored a bookmark token'; then
  echo "the second instance refused the first one's bookmark token (are the data protection keys shared?)" >&2; exit 1
fi
echo "read back through :$EXPLORER_2_PORT with the write's bookmark token"
etag=$(curl -fsS -o /dev/null -D - "${auth[@]}" "http://localhost:$EXPLORER_2_PORT/api/annotations/$id" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
edited=$(curl -fsS -D "$headers" -X PUT "${auth[@]}" -H "If-Match: $etag" -H 'Content-Type: application/json' \
  -d '{"text":"compose smoke: edited through the second instance","tags":["smoke"],"confidence":"high","status":"confirmed"}' \
  "http://localhost:$EXPLORER_2_PORT/api/annotations/$id")
echo "$edited" | grep -q 'edited through the second instance' || { echo "the edit through the second instance failed: $edited" >&2; exit 1; }
etag=$(tr -d '\r' < "$headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
echo "edited through :$EXPLORER_2_PORT"
status=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "${auth[@]}" -H "If-Match: $etag" "http://localhost:$EXPLORER_PORT/api/annotations/$id")
[ "$status" = 200 ] || { echo "deleting it through the first instance answered $status" >&2; exit 1; }
if curl -fsS "${auth[@]}" "http://localhost:$EXPLORER_2_PORT/api/edges/$edge/annotations" | grep -q "\"$id\""; then
  echo "the second instance still lists the deleted annotation" >&2; exit 1
fi
rm -f "$headers"
echo "deleted through :$EXPLORER_PORT, gone through :$EXPLORER_2_PORT"

step "backup"
scripts/neo4j-backup.sh "$backups"
wait_for "neo4j healthy after the backup" 300 neo4j_healthy
wait_for "explorer answers after the backup" 120 answers "$EXPLORER_PORT"

step "Neo4j contract suite and parity suite against the stack's Neo4j"
EXPLORER_TEST_NEO4J_URI="http://localhost:$NEO4J_HTTP_PORT" EXPLORER_TEST_NEO4J_USER=neo4j EXPLORER_TEST_NEO4J_PASSWORD="$password" \
  dotnet test tests/Explorer.Tests/Explorer.Tests.csproj --filter "FullyQualifiedName~Neo4jGraphStoreContractTests|FullyQualifiedName~Explorer.Tests.Parity"

step "all smoke checks passed"
