#!/usr/bin/env bash
# Encrypted backup of 童护: the PostgreSQL database (pg_dump -Fc) and the protected media, in one archive
# encrypted with AES-256-GCM (key by scrypt from a passphrase; handover/crypto.py). docs/deployment.md "Backups".
#
#   DATABASE_URL=postgres://… PROTECTED_MEDIA_ROOT=/srv/tonghu/protected \
#   BACKUP_PASSPHRASE_FILE=/etc/tonghu/backup-passphrase scripts/backup.sh [OUTPUT_DIR]
#
# OUTPUT_DIR defaults to $BACKUP_DIR, else var/backups. Prints the archive's path. The archive holds
# database.dump, media.tar and SHA256SUMS of both; restore with scripts/restore.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database (postgres://…)}"
: "${BACKUP_PASSPHRASE_FILE:?BACKUP_PASSPHRASE_FILE must name a file holding the passphrase}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: DATABASE_URL is not PostgreSQL" >&2; exit 2;; esac
media="${PROTECTED_MEDIA_ROOT:-$here/var/protected}"
out="${1:-${BACKUP_DIR:-$here/var/backups}}"
mkdir -p "$out"
chmod 700 "$out"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$work/database.dump"
mkdir -p "$media"
tar -C "$media" --exclude=./handover -cf "$work/media.tar" .
(cd "$work" && sha256sum database.dump media.tar > SHA256SUMS)

archive="$out/tonghu-$(date -u +%Y%m%dT%H%M%SZ).tonghu-backup.enc"
tar -C "$work" -cf - SHA256SUMS database.dump media.tar \
  | "$python" "$here/handover/crypto.py" encrypt-file - "$archive.partial" --passphrase-file "$BACKUP_PASSPHRASE_FILE"
mv "$archive.partial" "$archive"
chmod 600 "$archive"
echo "$archive"
