#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and a var folder, then check it: the files
# against their SHA-256 list, and every file a record names (manage.py files_check). Usage:
#   createdb -h HOST -U USER pilotbase_restored
#   DATABASE_URL=postgres://…/pilotbase_restored PILOTBASE_VAR_DIR=/srv/pilotbase/var scripts/restore.sh /backups/…
set -euo pipefail
src=${1:?usage: $0 BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the empty database to restore into}"
cd "$(dirname "$0")/.."
var=${PILOTBASE_VAR_DIR:-$(pwd)/var}
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$src/db.dump"
mkdir -p "$var"
tar -C "$var" -xzf "$src/private.tar.gz"
if [ -s "$src/private.sha256" ]; then (cd "$var" && sha256sum --quiet --strict -c "$src/private.sha256"); fi
PILOTBASE_VAR_DIR="$var" ${PYTHON:-python} manage.py files_check
