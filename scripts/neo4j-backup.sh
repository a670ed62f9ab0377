#!/usr/bin/env bash
# Backs up the compose stack's Neo4j: stops it, dumps the `neo4j` database (Explorer's graph, annotations,
# accounts) and the `system` database (Neo4j's own users) into ./backups/<UTC time>/, and starts it again.
#   scripts/neo4j-backup.sh [target-directory]
# Community edition dumps only a stopped database ("It is not possible to dump a database that is mounted in a
# running Neo4j server": https://neo4j.com/docs/operations-manual/current/backup-restore/offline-backup/).
# The dump is streamed to standard output (--to-stdout) and written by this shell, so the container's neo4j
# user (uid 7474) never needs write access to a directory on the host. Restore: see README, "Backup".
# Honours COMPOSE_PROJECT_NAME and COMPOSE_FILE like docker compose itself. Explorer answers with errors while
# Neo4j is stopped and recovers by itself when it is back.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi

target="${1:-backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$target"

restart() { "${compose[@]}" start neo4j >/dev/null; }
"${compose[@]}" stop neo4j
trap restart EXIT

for database in neo4j system; do
  echo "dumping $database -> $target/$database.dump"
  "${compose[@]}" run --rm -T --no-deps neo4j neo4j-admin database dump "$database" --to-stdout > "$target/$database.dump"
  if [ ! -s "$target/$database.dump" ]; then
    echo "the dump of $database is empty" >&2
    exit 1
  fi
done

echo "backup written to $target ($(du -sh "$target" | cut -f1)); starting neo4j again"
