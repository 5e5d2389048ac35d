#!/usr/bin/env bash
# Restore an archive of scripts/backup.sh into an EMPTY PostgreSQL database and an empty protected media
# directory (refuses otherwise). docs/deployment.md "Backups".
#
#   DATABASE_URL=postgres://…/tonghu_restored PROTECTED_MEDIA_ROOT=/srv/tonghu/protected \
#   BACKUP_PASSPHRASE_FILE=/etc/tonghu/backup-passphrase scripts/restore.sh ARCHIVE
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
archive="${1:?usage: scripts/restore.sh ARCHIVE}"
: "${DATABASE_URL:?DATABASE_URL must name the empty PostgreSQL database to restore into}"
: "${BACKUP_PASSPHRASE_FILE:?BACKUP_PASSPHRASE_FILE must name a file holding the passphrase}"
media="${PROTECTED_MEDIA_ROOT:-$here/var/protected}"

tables="$(psql --dbname="$DATABASE_URL" -tAc "select count(*) from information_schema.tables where table_schema = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database already has $tables tables; restore only into an empty database" >&2
  exit 2
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore.sh: $media is not empty" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$here/handover/crypto.py" decrypt-file "$archive" "$work/archive.tar" --passphrase-file "$BACKUP_PASSPHRASE_FILE"
tar -C "$work" -xf "$work/archive.tar"
(cd "$work" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$work/database.dump"
mkdir -p "$media"
tar -C "$media" -xf "$work/media.tar"
echo "restored $archive"
