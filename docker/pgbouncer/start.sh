#!/bin/sh
# The user list comes from the environment at start (never baked into the image).
set -e
printf '"%s" "%s"\n' "$DB_USER" "$DB_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
