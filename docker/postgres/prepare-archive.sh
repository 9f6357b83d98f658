#!/bin/sh
# Entrypoint of compose's postgres (docker/compose.yaml): prepares the WAL archive on the shared backups
# volume, then runs the image's own entrypoint. The server (uid 999, postgres) archives into
# /var/backups/pend/wal through archive-wal.sh; the app (uid APP_UID, node's 1000) takes base backups into
# /var/backups/pend/base, rotates the archive and restores from it. So the volume's top folder belongs to the
# app, and wal/ to postgres with the app's group, setgid (new files take that group) and group-writable
# (the app deletes WAL outside the PITR window); archive-wal.sh's umask 027 makes each file group-readable.
set -eu
archive=${BACKUP_DIR:-/var/backups/pend}
app=${APP_UID:-1000}
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$archive/wal"
  chown "$app:$app" "$archive"
  chown "postgres:$app" "$archive/wal"
  chmod 2770 "$archive/wal"
fi
exec docker-entrypoint.sh "$@"
