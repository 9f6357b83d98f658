#!/bin/sh
# PostgreSQL archive_command of every server Pend runs: sh archive-wal.sh <archive dir> %p %f
# The embedded server writes this same text (ARCHIVE_WAL_SCRIPT in src/database/wal-archive.ts, kept
# identical by src/database/wal-archive.spec.ts) beside its data folder; docker/compose.yaml's postgres
# mounts this file. It gzips one WAL file into the archive and never overwrites: when a file of that
# name is already archived it succeeds only if the content is identical (a retry after a crash between
# the copy and the server's bookkeeping), else it fails and the server keeps the segment and retries.
# The copy is fsynced before it is linked under its final name (a link never replaces), then the folder.
# umask 027: readable by the folder's group (compose: the app's uid reads and rotates the archive).
set -eu
umask 027
dir=$1
src=$2
name=$3
dest="$dir/$name.gz"
if [ -e "$dest" ]; then
  if gzip -dc "$dest" | cmp -s - "$src"; then exit 0; fi
  echo "archive-wal: $dest is already archived with other content; not overwriting it" >&2
  exit 1
fi
tmp="$dir/.$name.gz.tmp.$$"
trap 'rm -f "$tmp"' EXIT
gzip -c "$src" > "$tmp"
sync "$tmp"
ln "$tmp" "$dest"
sync "$dir"
