"""Recompute every blind index (the HMAC columns of exact search) with the current BLIND_INDEX_KEY.

Run after replacing BLIND_INDEX_KEY (docs/deployment.md, "Key rotation"). Each index is computed again from the
decrypted value, table by table, in batches by primary key, each batch in its own transaction; the progress is
kept per table in accounts.KeyRotationProgress with the key's fingerprint, so a run that stopped (Ctrl-C, a
crash) carries on where it was, and a run with a new key starts again. Historical rows (change history) are
recomputed too, so no value keyed with the old key is left but the audit log's hashed search terms (see docs)."""

import hashlib
import hmac

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.fields import blind_index
from accounts.models import KeyRotationProgress
from children.models import Child, Parent, phone_index


def _id_index(value):
    return blind_index(value) if value else None


# model → {index column: (source field, function)}. A new blind-index column must be added here.
INDEXES = {
    Child: {"id_number_index": ("id_number", _id_index),
            "guardian_phone_index": ("guardian_phone", phone_index),
            "caregiver_phone_index": ("caregiver_phone", phone_index)},
    Parent: {"phone_index": ("phone", phone_index)},
}


def key_fingerprint() -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), b"tonghu blind index key fingerprint",
                    hashlib.sha256).hexdigest()


def tables():
    """(model, {index: (source, function)}) for each model and its change history."""
    for model, indexes in INDEXES.items():
        yield model, indexes
        history = getattr(model, "history", None)
        if history is not None:
            yield history.model, {i: spec for i, spec in indexes.items()
                                  if i in {f.name for f in history.model._meta.fields}}


class Command(BaseCommand):
    help = "Recompute every blind index with the current BLIND_INDEX_KEY, in batches; resumable."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--max-batches", type=int, default=None,
                            help="stop after this many batches (the next run carries on)")

    def handle(self, *args, batch_size, max_batches, **options):
        fingerprint = key_fingerprint()
        batches = 0
        for model, indexes in tables():
            label = model._meta.label
            progress, _ = KeyRotationProgress.objects.get_or_create(table=label,
                                                                    defaults={"key_fingerprint": fingerprint})
            if progress.key_fingerprint != fingerprint:  # a new key: this table again from the start
                progress.key_fingerprint, progress.last_pk, progress.done_at = fingerprint, 0, None
                progress.save()
            if progress.done_at:
                self.stdout.write(f"{label}: done already")
                continue
            pk_name = model._meta.pk.name
            sources = [source for source, _f in indexes.values()]
            while True:
                if max_batches is not None and batches >= max_batches:
                    self.stdout.write(f"{label}: stopped after row {progress.last_pk}; run again to carry on")
                    return
                with transaction.atomic():
                    rows = list(model._base_manager.filter(**{f"{pk_name}__gt": progress.last_pk})
                                .order_by(pk_name).only(pk_name, *sources)[:batch_size])
                    for row in rows:
                        for index, (source, function) in indexes.items():
                            setattr(row, index, function(getattr(row, source)))
                    if rows:
                        model._base_manager.bulk_update(rows, list(indexes))
                        progress.last_pk = rows[-1].pk
                    else:
                        progress.done_at = timezone.now()
                    progress.updated_at = timezone.now()
                    progress.save()
                batches += 1
                if not rows:
                    self.stdout.write(f"{label}: done")
                    break
