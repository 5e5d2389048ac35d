"""Kept for the initial migration, which names these; everything else uses accounts.uploads."""

import uuid

from django.utils import timezone

from accounts.uploads import ProtectedStorage  # noqa: F401


def photo_path(instance, filename: str) -> str:
    return f"{instance._meta.model_name}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"
