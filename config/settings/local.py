"""Development on one machine: SQLite and the filesystem broker unless told otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-not-secret-7d1f0c2e9b4a")
# Development keys. Never used in production, which refuses to start without its own.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzISE="]
)
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="local-blind-index-key")
# The demo's users share published passwords and are shown on a laptop: a second factor would protect nothing
# and make every viewer enrol a phone. OTP_REQUIRED=1 tries the real flow locally. production.py forces it on.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
