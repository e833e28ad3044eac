#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, custom format) and the private files (uploads, PDFs), with a
# SHA-256 list of the files. Usage: DATABASE_URL=postgres://… PILOTBASE_VAR_DIR=/srv/pilotbase/var \
#   scripts/backup.sh /backups/pilotbase-$(date +%F)
# The database is dumped first: a file is written before the record naming it commits, so every file the dump
# names is in the archive (a PDF replaced in between may be missing: restore.sh's check names it; run at a
# quiet hour). See docs/operations.md (备份与恢复).
set -euo pipefail
dest=${1:?usage: $0 DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the portal database}"
var=${PILOTBASE_VAR_DIR:-$(cd "$(dirname "$0")/.." && pwd)/var}
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --dbname "$DATABASE_URL" --file "$dest/db.dump"
mkdir -p "$var/private"
tar -C "$var" -czf "$dest/private.tar.gz" private
(cd "$var" && find private -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$dest/private.sha256"
echo "backup in $dest: db.dump ($(du -h "$dest/db.dump" | cut -f1)), $(wc -l < "$dest/private.sha256") files"
