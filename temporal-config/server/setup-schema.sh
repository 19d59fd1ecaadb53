#!/bin/sh
# Creates (idempotently) the Temporal server's two PostgreSQL databases and brings their schema to
# the pinned server's version with its own SQL tool. The same steps for `npm run start:cluster`
# (scripts/lib/temporal-cluster.ts: SQL_TOOL and SCHEMA_DIR under .tools/) and for the
# temporal-schema service of docker-compose.yml (temporalio/admin-tools image).
#
#   SQL_TOOL    temporal-sql-tool binary            (default: temporal-sql-tool on PATH)
#   SCHEMA_DIR  the module's schema/postgresql/v12  (default: /etc/temporal/schema/postgresql/v12)
#   POSTGRES_SEEDS DB_PORT POSTGRES_USER POSTGRES_PWD DBNAME VISIBILITY_DBNAME: as the server's config
set -eu
tool="${SQL_TOOL:-temporal-sql-tool}"
schema="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
sql() {
  "$tool" --plugin postgres12 --ep "${POSTGRES_SEEDS:-127.0.0.1}" -p "${DB_PORT:-5432}" \
    -u "${POSTGRES_USER:-temporal}" --pw "${POSTGRES_PWD:-}" "$@"
}
for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  kind="${pair#*:}"
  sql --db "$db" create-database
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$schema/$kind/versioned"
done
