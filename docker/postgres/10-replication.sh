#!/bin/sh
# First start of the primary only (docker-entrypoint-initdb.d): let the streaming replica of the
# `scale` profile connect for replication, and give the app's role the server-side timeouts it
# cannot send as startup parameters through PgBouncer (docs/operations.md, "Behind PgBouncer").
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
ALTER ROLE ${POSTGRES_USER} SET statement_timeout = '4s';
ALTER ROLE ${POSTGRES_USER} SET lock_timeout = '2s';
SQL
